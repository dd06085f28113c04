import csv, json, random, re, unicodedata
A='../shared/data/admin_units/'
names=set(['Lai Châu'])
for r in csv.DictReader(open(A+'laichau_units_legacy_pre2025.csv')):
    names.add(r['districtShort']); names.add(r['wardShort'])
for r in csv.DictReader(open(A+'laichau_units_2025.csv')):
    names.add(r['wardShort'])
names.discard('Lai Châu') ; names.add('Lai Châu')
arts=[json.loads(l) for l in open('../shared/data/baomoi_dev/articles.jsonl')]
def hit(a):
    t=unicodedata.normalize('NFC',a['title']+'\n'+a['text']).lower()
    return sorted({n for n in names if re.search(r'(?<!\w)'+re.escape(n.lower())+r'(?!\w)',t)})
lc=[];other=[];amb=[]
for a in arts:
    h=hit(a)
    if 'Lai Châu' in h: lc.append(a)
    elif h: amb.append((a,h))
    else: other.append(a)
print(len(lc),len(amb),len(other))
from collections import Counter
print(Counter(n for _,h in amb for n in h).most_common(40))
rnd=random.Random(20261127)
ambsel=[a for a,_ in amb]; rnd.shuffle(ambsel); ambsel=ambsel[:60]
othsel=rnd.sample(other,110)
sel=lc+ambsel+othsel
rnd.shuffle(sel)
print(len(sel))
half=len(sel)//2
for i,part in enumerate([sel[:half],sel[half:]]):
    with open(f'/tmp/label/batch{i+1}.jsonl','w') as f:
        for a in part: f.write(json.dumps({'id':a['id'],'title':a['title'],'text':a['text']},ensure_ascii=False)+'\n')
