"""Corrections through the web UI and the JSON API, on a real uvicorn server over a real SQLite
store: the analyst's form (CSRF, roles), what a viewer sees ("đã hiệu chỉnh", who), search and facets
following the correction, withdrawing, and the API's answers to bad input."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.support.webserver import Running, csrf_of, fill, serve

OTHER = {"negative": "positive", "neutral": "negative", "positive": "neutral"}


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    db = tmp_path_factory.mktemp("web-corrections") / "presswatch.db"
    ids = fill(db, count=8)
    with serve(db, ids) as running:
        yield running


def search_ids(client: httpx.Client, query: str) -> set[int]:
    return {hit["id"] for hit in client.get("/api/search", params={"q": query, "facets": "0"}).json()["hits"]}


def test_analyst_corrects_on_the_article_page_viewer_sees_it_and_search_follows(
        web: Running, analyst: httpx.Client, viewer: httpx.Client) -> None:
    article_id = web.ids["first"]
    before = viewer.get(f"/api/articles/{article_id}").json()
    model_sentiment, model_topics = before["sentiment"], before["analysis"]["topics"]
    wanted = OTHER[model_sentiment]
    page = analyst.get(f"/article/{article_id}").text
    assert 'id="correction-form"' in page and "Hiệu chỉnh đánh giá" in page
    assert 'id="correction-form"' not in viewer.get(f"/article/{article_id}").text  # the form is the analysts'
    csrf = csrf_of(page)
    form = {"csrf": csrf, "relevance": before["relevance"], "sentiment": wanted,
            "toxicity": "clean", "topics-sent": "1", "topic-bao-chi-truyen-thong": "1",
            "reason": "Tin <b>tốt</b> cho tỉnh"}
    assert analyst.post(f"/article/{article_id}/corrections", data={**form, "csrf": "sai"}).status_code == 403
    viewer_csrf = csrf_of(viewer.get(f"/article/{article_id}").text)
    assert viewer.post(f"/article/{article_id}/corrections", data={**form, "csrf": viewer_csrf}).status_code == 403
    response = analyst.post(f"/article/{article_id}/corrections", data=form)
    assert response.status_code == 303
    assert "Đã hiệu chỉnh" in httpx.URL(response.headers["location"]).params["msg"]

    seen = viewer.get(f"/article/{article_id}").text
    assert seen.count("đã hiệu chỉnh") == 2  # sentiment and topics; relevance and toxicity were left as they were
    assert "bởi analyst1" in seen and "Báo chí – truyền thông</span>" in seen
    data = viewer.get(f"/api/articles/{article_id}").json()
    assert data["sentiment"] == wanted and data["analysis"]["topics"] == ["bao-chi-truyen-thong"]
    assert data["analysis"]["corrected"]["sentiment"]["model"] == model_sentiment
    assert article_id in search_ids(viewer, f"sentiment:{wanted}")
    assert article_id not in search_ids(viewer, f"sentiment:{model_sentiment}")
    assert article_id in search_ids(viewer, "topic:bao-chi-truyen-thong")
    listed = viewer.get(f"/api/articles/{article_id}/corrections").json()
    assert set(listed["in_force"]) == {"sentiment", "topics"}
    assert listed["in_force"]["sentiment"]["reason"] == "Tin <b>tốt</b> cho tỉnh"

    assert analyst.post(f"/article/{article_id}/corrections/withdraw",
                        data={"csrf": csrf, "field": "sentiment"}).status_code == 303
    assert viewer.get(f"/api/articles/{article_id}").json()["sentiment"] == model_sentiment
    assert article_id in search_ids(viewer, f"sentiment:{model_sentiment}")
    assert analyst.post(f"/article/{article_id}/corrections/withdraw",
                        data={"csrf": csrf, "field": "topics"}).status_code == 303
    assert viewer.get(f"/api/articles/{article_id}").json()["analysis"]["topics"] == model_topics
    assert "đã hiệu chỉnh" not in viewer.get(f"/article/{article_id}").text


def test_the_api_corrects_lists_withdraws_and_refuses_bad_input_in_vietnamese(
        web: Running, analyst: httpx.Client, viewer: httpx.Client) -> None:
    article_id = web.ids["copy"]
    csrf = csrf_of(analyst.get(f"/article/{article_id}").text)
    headers = {"x-csrf-token": csrf}
    url = f"/api/articles/{article_id}/corrections"
    response = analyst.post(url, json={"field": "relevance", "value": "none", "reason": "trùng tên"}, headers=headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["value"] == "none" and body["user"] == "analyst1" and body["index_error"] is None
    assert viewer.get(f"/api/articles/{article_id}").json()["relevance"] == "none"
    assert analyst.post(url, json={"field": "toxicity", "value": "hate"}, headers=headers).status_code == 201
    assert viewer.get(url).json()["in_force"]["toxicity"]["model_value"] == "clean"

    for payload, message in (({"field": "sentiment", "value": "xấu"}, "sắc thái phải là một trong"),
                             ({"field": "topics", "value": ["khong-co"]}, "chủ đề không có trong cấu hình"),
                             ({"field": "tac-gia", "value": "x"}, "không hiệu chỉnh được trường"),
                             ({"field": 3, "value": "x"}, "phải là chuỗi")):
        refused = analyst.post(url, json=payload, headers=headers)
        assert refused.status_code == 400 and message in refused.json()["error"], refused.text
    assert analyst.post("/api/articles/999999/corrections", json={"field": "sentiment", "value": "neutral"},
                        headers=headers).status_code == 404
    assert analyst.post(url, json={"field": "sentiment", "value": "neutral"}).status_code == 403  # no CSRF header
    viewer_csrf = csrf_of(viewer.get(f"/article/{article_id}").text)
    assert viewer.post(url, json={"field": "sentiment", "value": "neutral"},
                       headers={"x-csrf-token": viewer_csrf}).status_code == 403

    withdrawn = analyst.post(url + "/withdraw", json={"field": "relevance"}, headers=headers).json()
    assert withdrawn == {"article": article_id, "field": "relevance", "withdrawn": True}
    assert analyst.post(url + "/withdraw", json={"field": "relevance"}, headers=headers).json()["withdrawn"] is False
    history = viewer.get(url).json()
    assert list(history["in_force"]) == ["toxicity"]
    assert [c["field"] for c in history["corrections"]] == ["toxicity", "relevance"]
    assert history["corrections"][1]["withdrawn_by"] == "analyst1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT.*Z", history["corrections"][1]["withdrawn"])


def test_a_topic_the_trained_model_decided_shows_its_probability_beside_the_lexicons_score(
        web: Running, viewer: httpx.Client) -> None:
    """The analysis JSON of a model-decided topic (``presswatch train topics``) carries the model's
    probability; the article page shows it, and only the lexicon's score for the other topics."""
    from presswatch.store import Store
    from presswatch.store.articles import analysis_of, set_analysis

    article_id = web.ids["first"]
    with Store(web.db) as store, store.transaction() as db:
        data = analysis_of(db, [article_id])[article_id]
        data["topics"] = ["kinh-te", "xa-hoi"]
        data["evidence"]["topics"] = {
            "kinh-te": {"label": "Kinh tế", "score": 4.2, "terms": ["doanh nghiệp"], "probability": 0.812},
            "xa-hoi": {"label": "Xã hội", "score": 3.5, "terms": ["học sinh"]}}
        set_analysis(db, article_id, data)
    page = viewer.get(f"/article/{article_id}").text
    assert "mô hình: xác suất 81%, điểm từ khóa 4.2" in page
    assert "điểm từ khóa 3.5" in page and page.count("xác suất") == 1
