import json
import os
import re

import lxml.html as H

GOLD = '/tmp/extraction/gold.json'
def norm(s):
    s = s.replace('\xa0', ' ').replace('\u200b', '')
    s = re.sub(r'\s+', ' ', s).strip()
    s = re.sub(r'\s+([.,;:!?”\)])', r'\1', s)
    s = re.sub(r'([“\(])\s+', r'\1', s)
    return s
def load(path):
    return H.fromstring(open(path, encoding='utf-8').read())
def text_of(el):
    return norm(el.text_content())
def save_entry(fname, entry):
    d = json.load(open(GOLD, encoding='utf-8')) if os.path.exists(GOLD) else {}
    d[fname] = entry
    json.dump(d, open(GOLD, 'w', encoding='utf-8'), ensure_ascii=False, indent=1)
def check(fname, entry):
    page = open('/tmp/extraction/pages/' + fname, encoding='utf-8').read()
    root = H.fromstring(page)
    full = norm(root.text_content())
    gold = entry['text']
    for w in entry['with']:
        assert w in gold, ('with not in gold', w)
        assert w in full, ('with not in page', w)
    for w in entry['without']:
        assert w not in gold, ('without in gold', w)
        assert w in full, ('without not in page text', w)
    print(fname, 'words', len(gold.split()), 'paras', len(gold.split('\n')), 'OK')
