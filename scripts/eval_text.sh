#!/usr/bin/env bash
# The text-understanding evaluation protocol of docs/TEXT.md, from a clean state:
#   scripts/eval_text.sh        train on every allowed row, report the held-out test figures,
#                               then the duplicate and gazetteer evaluations (eval/text_eval.cc)
#   scripts/eval_text.sh dev    tuning run: hold out test and dev rows, report on the dev rows
#   scripts/eval_text.sh cv [FLAGS]  tuning run: 5-fold cross-validation over every row outside
#                               the test split (eval/classifier_cv.cc; FLAGS: --c, --ngrams, ...)
# Needs the Teddy Cup files (../shared/data or JIESU_DATA_DIR); skips with a message otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-test}
[ $# -gt 0 ] && shift
jiesu=${JIESU_BIN:-./build/release/src/cli/jiesu}
data=${JIESU_DATA_DIR:-../shared/data}/teddycup2020-gov-messages
if [ ! -f "$data/fj2_raw_details_subset_4449.csv" ]; then
  echo "skipped: $data not found (set JIESU_DATA_DIR to the shared data folder)"
  exit 0
fi
if [ "$mode" = cv ]; then
  # Judged on all 2,618 non-test rows instead of one split's 1,817; no duplicate evaluation.
  exec "${JIESU_CLASSIFIER_CV:-./build/release/eval/classifier_cv}" "$@"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
raw=$data/fj2_raw_details_subset_4449.csv
common=(--text title+detail,text_segmented,detail --label label_l1)
case $mode in
  test)
    # Held out: the 1,831 rows of the contestant's 2020-05-07 test split. Training: every other
    # raw row, the segmented full file and the organiser's sample, minus near-copies of them.
    "$jiesu" train-classifier --out "$work/model" "${common[@]}" \
      --where-not origin_split=split2020-05-07_test \
      --holdout "$raw" --holdout-where origin_split=split2020-05-07_test \
      "$raw" "$data/fj2_full_segmented_9210.csv" "$data/fj2_sample_raw_495.csv"
    echo
    "$jiesu" eval-classifier --model "$work/model" --text detail --label label_l1 \
      --where origin_split=split2020-05-07_test "$raw"
    ;;
  dev)
    # Held out: test and the 2020-05-07 dev rows; trained on the rest; scored on the dev rows.
    "$jiesu" train-classifier --out "$work/model" "${common[@]}" \
      --where origin_split=split2020-05-06_dev \
      --holdout "$raw" --holdout-where-not origin_split=split2020-05-06_dev \
      "$raw" "$data/fj2_full_segmented_9210.csv" "$data/fj2_sample_raw_495.csv"
    echo
    "$jiesu" eval-classifier --model "$work/model" --text detail --label label_l1 \
      --where origin_split=split2020-05-07_dev "$raw"
    ;;
  *) echo "usage: scripts/eval_text.sh [test|dev|cv [FLAGS]]" >&2; exit 2 ;;
esac
echo
# Duplicates and masked place names on 附件3.
"${JIESU_TEXT_EVAL:-./build/release/eval/text_eval}"
