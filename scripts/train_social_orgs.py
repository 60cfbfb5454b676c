"""Train the organisation tagger for posts (`text/models/orgs_social.crfsuite`) on the Weibo NER
corpus's train split (Peng and Dredze 2015, revised by He and Sun 2017;
https://github.com/hltcoe/golden-horse at 7a73c08, see text/data/README.md). Its named
organisations are learnt as company / government / organization, its named persons and places
as CLUENER's name and address; never its dev or test split.

    .venv/bin/python scripts/train_social_orgs.py --weibo DIR/weiboNER_2nd_conll.train [--out FILE]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from laborwatch.text.org_training import SOCIAL_CRF_PARAMS, read_weibo_ner_training, train
from laborwatch.text.orgs import SOCIAL_MODEL_FILE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weibo", type=Path, required=True, nargs="+", help="train split files")
    parser.add_argument("--out", type=Path, default=SOCIAL_MODEL_FILE)
    args = parser.parse_args()
    for path in args.weibo:
        if not path.name.endswith(".train"):
            parser.error(f"{path}: only a train split may be trained on")
    examples = [example for path in args.weibo for example in read_weibo_ner_training(path)]
    train(examples, args.out, params=SOCIAL_CRF_PARAMS)
    print(f"{args.out}: {len(examples)} posts, {args.out.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
