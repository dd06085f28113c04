"""``config/cases.yaml``: the kinds of case and the legal bases an action may cite (operator data).

Loaded into strict models (unknown keys refused), with every problem named as ``file:line: key:
message`` in Vietnamese. A configuration directory without the file gets the five kinds of issue 18
and the two decrees.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError

from presswatch.config.base import Strict, validation_problems
from presswatch.config.yamlfile import load_yaml
from presswatch.errors import ConfigError


class Kind(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,40}$")
    label: str = Field(min_length=1, max_length=200)


DEFAULT_KINDS = (
    Kind(id="sai-su-that", label="Thông tin sai sự thật"),
    Kind(id="ton-chi-muc-dich", label="Vi phạm tôn chỉ, mục đích"),
    Kind(id="dao-duc-nghe-nghiep",
         label="Vi phạm đạo đức nghề nghiệp / quy tắc sử dụng mạng xã hội của người làm báo"),
    Kind(id="tac-nghiep-sai", label="Phóng viên tác nghiệp sai quy định"),
    Kind(id="khac", label="Khác"),
)
DEFAULT_LEGAL_BASES = ("Nghị định 119/2020/NĐ-CP", "Nghị định 14/2022/NĐ-CP")


class CasesFile(Strict):
    kinds: tuple[Kind, ...] = Field(default=DEFAULT_KINDS, min_length=1, max_length=100)
    legal_bases: tuple[str, ...] = Field(default=DEFAULT_LEGAL_BASES, max_length=100)
    deadline_days: int = Field(default=15, ge=1, le=365)  # a new case's deadline, in days from its opening

    def kind_labels(self) -> dict[str, str]:
        return {kind.id: kind.label for kind in self.kinds}


def load_cases_config(path: Path) -> CasesFile:
    """``cases.yaml`` of a configuration directory (the defaults when it is missing)."""
    if not path.exists():
        return CasesFile()
    doc = load_yaml(path)
    if doc.data is not None and not isinstance(doc.data, dict):
        raise ConfigError([f"{path}:1: tệp phải là một ánh xạ khóa: giá trị"])
    try:
        loaded = CasesFile.model_validate(doc.data or {})
    except ValidationError as exc:
        raise ConfigError(validation_problems(exc, doc)) from None
    ids = [kind.id for kind in loaded.kinds]
    problems = [f"{doc.where(('kinds', index, 'id'))}: id '{kind_id}' trùng với một mục phía trên"
                for index, kind_id in enumerate(ids) if kind_id in ids[:index]]
    if problems:
        raise ConfigError(problems)
    return loaded
