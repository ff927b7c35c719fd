"""Simulator iteration check (issue 10): a model's flag rates on the real pages' links and a quick
reality-gap classifier (real natural vs simulated natural links on the model's features).

Usage: LINKCLF_REAL_DATA=../shared/data/real python benchmarks/sim_realcheck.py MODEL_DIR LINKS.csv.gz

A stop-gap until reallinks' `linkclf check-real` link section and linkclf/realgap.py are merged;
the figures in the simulator report come from this script. Vendor metrics are blanked on the
simulated side because the real export has none.
"""
import sys, json, tempfile, collections
from pathlib import Path
import numpy as np, pandas as pd
from linkclf.realdata_links import real_links, link_groups
from linkclf.model import LinkClassifier
from linkclf.pipeline import score_links
from linkclf.sources import read_exports
from linkclf.io import write_csv_atomic
from linkclf.datasets.io import read_dataset
model_dir, sim_path = sys.argv[1], sys.argv[2]
links = real_links().reset_index(drop=True)
model = LinkClassifier.load(model_dir)
export = links.drop(columns=["page", "dataset", "affiliate", "region"])
export["real_row"] = links.index
with tempfile.TemporaryDirectory() as tmp:
    p = Path(tmp) / "real.csv"; write_csv_atomic(export, p, for_spreadsheet=False)
    read = read_exports([p])
    scored = score_links(model, read)
scored = scored.set_index(scored["real_row"].astype(int)).reindex(links.index)
g = link_groups(links)
flag = scored["flag"].astype(bool)
out = {}
for name in g.columns:
    m = g[name].to_numpy()
    out[name] = (round(float(flag[m].mean()), 4), int(m.sum()))
print("flag rates:", out)
print("p at threshold exactly:", float((scored.loc[flag, "p_manipulative"] == model.threshold_).mean()) if flag.any() else 0)
nat = g["natural"].to_numpy()
reasons = collections.Counter()
for r in scored.loc[flag & nat, "reasons"].fillna(""):
    for part in str(r).split(";"):
        if part.strip(): reasons[part.strip()] += 1
print("top reasons (flagged natural):", reasons.most_common(8))
for lang in ["en", "de"]:
    m = nat & (links["language"] == lang).to_numpy()
    print(lang, round(float(flag[m].mean()), 4), int(m.sum()))
# reality gap: real natural vs simulated natural on the model's features
from sklearn.metrics import roc_auc_score
import lightgbm as lgb
sim = read_dataset(sim_path); sim = sim[sim["label"] == 0]
sim = sim.sample(n=min(len(sim), 3 * int(nat.sum())), random_state=0)
realnat = read[nat[read["real_row"].astype(int).to_numpy()]] if False else read.iloc[np.flatnonzero(nat[read["real_row"].astype(int).to_numpy()])]
# the real export carries no vendor metrics: compare like with like (simulated under the same columns)
from linkclf.datasets.columnsets import apply_column_set
simr = sim.copy()
for c in ["domain_rating","url_rating","trust_flow","citation_flow","page_authority","domain_authority","source_traffic","vendor_spam_score","source_ip","sitewide","first_seen","last_seen","lost"]:
    simr[c] = simr[c].iloc[:0].reindex(simr.index)
Xr = model.features.transform(realnat); Xs = model.features.transform(simr)
X = pd.concat([Xr, Xs], ignore_index=True); y = np.r_[np.ones(len(Xr)), np.zeros(len(Xs))]
from linkclf.domains import referring_domain
groups = pd.concat([realnat["source_url"], simr["source_url"]], ignore_index=True).map(referring_domain)
from sklearn.model_selection import GroupKFold
pred = np.zeros(len(y))
for tr, te in GroupKFold(5).split(X, y, groups):
    b = lgb.train({"objective": "binary", "verbosity": -1, "num_leaves": 15, "learning_rate": 0.1, "min_data_in_leaf": 20}, lgb.Dataset(X.iloc[tr], y[tr]), 150)
    pred[te] = b.predict(X.iloc[te])
print("reality-gap ROC-AUC:", round(roc_auc_score(y, pred), 3))
single = {}
for c in X.columns:
    v = X[c].to_numpy(float); k = ~np.isnan(v)
    if k.sum() < 50 or len(np.unique(y[k])) < 2 or np.nanstd(v) == 0: continue
    a = roc_auc_score(y[k], v[k]); single[c] = round(max(a, 1 - a), 3)
top = sorted(single.items(), key=lambda kv: -kv[1])[:12]
print("single-feature separation:", top)
from linkclf.features.builder import _family
per_link = [c for c in X.columns if not _family(c).startswith("profile")]
pred2 = np.zeros(len(y))
for tr, te in GroupKFold(5).split(X, y, groups):
    b = lgb.train({"objective": "binary", "verbosity": -1, "num_leaves": 15, "learning_rate": 0.1, "min_data_in_leaf": 20}, lgb.Dataset(X.iloc[tr][per_link], y[tr]), 150)
    pred2[te] = b.predict(X.iloc[te][per_link])
print("reality-gap ROC-AUC without profile features:", round(roc_auc_score(y, pred2), 3))
print("single-feature, per-link only:", [kv for kv in sorted(single.items(), key=lambda kv: -kv[1]) if kv[0] in per_link][:12])
