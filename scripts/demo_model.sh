#!/usr/bin/env bash
# The demo's category model, for `make run`:
#   scripts/demo_model.sh MODEL CONFIG_DIR
# jiesu ships no model: a city trains one on its own history (docs/TEXT.md). When the Teddy Cup
# 2020 messages are beside the clone (../shared/data or JIESU_DATA_DIR) and the jurisdiction's
# taxonomy has their level-1 classes (城乡建设 …, as config/demo-beijing does), this trains
# MODEL from all their labelled rows, their class names as the taxonomy's level-1 codes (once;
# again when the jiesu binary is newer) and prints
# `--classifier MODEL` for `jiesu serve`. Otherwise it prints nothing, and the suggestions say
# that there is no model. Notes go to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 2 ]; then
  echo "usage: scripts/demo_model.sh MODEL CONFIG_DIR" >&2
  exit 2
fi
model=$1
config=$2
jiesu=${JIESU_BIN:-./build/release/src/cli/jiesu}
data=${JIESU_DATA_DIR:-../shared/data}/teddycup2020-gov-messages
files=("$data/fj2_raw_details_subset_4449.csv" "$data/fj2_full_segmented_9210.csv"
       "$data/fj2_sample_raw_495.csv")
for f in "${files[@]}"; do
  if [ ! -f "$f" ]; then
    echo "demo: no category model ($f not found; set JIESU_DATA_DIR to the shared data folder)" >&2
    exit 0
  fi
done
if ! grep -q "name: 城乡建设}" "$config/taxonomy.yaml" 2>/dev/null; then
  echo "demo: no category model ($config's taxonomy lacks the Teddy Cup classes)" >&2
  exit 0
fi
if [ ! -f "$model" ] || [ "$jiesu" -nt "$model" ]; then
  echo "demo: training the category model $model from the Teddy Cup messages (7 level-1" \
       "classes of another city's 2020 messages; about 15 s)" >&2
  "$jiesu" train-classifier --out "$model" --text title+detail,text_segmented,detail \
    --label label_l1 --config "$config" --level 1 "${files[@]}" >&2
fi
echo "--classifier $model"
