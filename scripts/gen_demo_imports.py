#!/usr/bin/env python3
"""Writes the jurisdictions and import mappings for the San Francisco and New York 311 samples
and the Teddy Cup 2020 messages in ../shared/data (see each folder's SOURCE.md):

  config/demo-sf    + config/import/sf-cases.yaml        (sf311-sample-2008-2016)
  config/demo-nyc   + config/import/nyc-requests.yaml    (nyc311-sample-2024-04)
  config/demo-acity + config/import/acity-messages.yaml  (Teddy Cup 附件3: messages, votes)
                    + config/import/acity-replies.yaml   (Teddy Cup 附件4: messages, replies)

(File names avoid the data folders' names: these files hold names, not the data.)

As scripts/gen_demo_boston.py does for Boston: areas get made-up 6-digit codes (jiesu's area
codes are numeric), units are the agencies that handled the cases, the taxonomy is the source's
two levels, and the dispatch catalogue sends each type to the agency that handled most of it.
Values the samples do not contain go to a default (an "other" type, the city as area, a city
unit), so a full export imports too. The Teddy Cup messages are anonymised (A市, A3区, A7县) and
carry no category: the taxonomy is demo-beijing's (the competition's 15 classes) with an
unclassified class that every message takes (train-classifier can label them), and the district
is read from the title with a regular expression. Nothing of the messages is copied but the
masked district names (A1区 … A9市).
Usage: scripts/gen_demo_imports.py [DATA_DIR]
"""
import collections
import csv
import os
import re
import shutil
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
data = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
    "JIESU_DATA_DIR", os.path.join(root, "..", "shared", "data"))


def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def slug(s):
    return re.sub(r"[^a-z0-9]+", "_", s.lower()).strip("_") or "x"


def rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


ROLES = os.path.join(root, "config", "demo-boston", "roles.yaml")
LIMITS = os.path.join(root, "config", "demo-boston", "time_limits.yaml")


def write_jurisdiction(name, header, ident, title, offset, calendar, area_prefix, areas,
                       units, city_unit, types, type_unit, other_name):
    """areas: [name]; units: {source name: unit id}; types: {(l1, l2)}; type_unit: {(l1, l2): unit name}."""
    out = os.path.join(root, "config", name)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "jurisdiction.yaml"), "w") as f:
        f.write(header + "id: %s\nname: %s\nutc_offset_minutes: %d\ncalendar: %s\n" % (
            ident, q(title), offset, calendar))
    city_code = area_prefix + "00"
    area_code = {"": city_code}
    with open(os.path.join(out, "areas.yaml"), "w") as f:
        f.write(header + "areas:\n  - {code: %s, name: %s}\n" % (q(city_code), q(title + " (citywide or not located)")))
        for i, a in enumerate(sorted(areas), start=1):
            area_code[a] = area_prefix + "%02d" % i
            f.write("  - {code: %s, name: %s}\n" % (q(area_code[a]), q(a)))
    with open(os.path.join(out, "units.yaml"), "w") as f:
        f.write(header + "units:\n")
        f.write("  - {id: %s, name: %s, class: district, area: %s}\n" % (q(city_unit[0]), q(city_unit[1]), q(city_code)))
        for src, uid in sorted(units.items(), key=lambda kv: kv[1]):
            if uid == city_unit[0]:
                continue
            cls = units_class.get(uid, "city_department")
            extra = ", area: %s" % q(area_code[unit_area[uid]]) if uid in unit_area else ""
            f.write("  - {id: %s, name: %s, class: %s%s}\n" % (q(uid), q(src), cls, extra))
    l1s = sorted({t[0] for t in types})
    code = {}
    with open(os.path.join(out, "taxonomy.yaml"), "w") as f:
        f.write(header + "version: %s\ncategories:\n" % ident)
        for i, l1 in enumerate(l1s, start=1):
            code[(l1,)] = "%02d" % i
            f.write("  - {code: %s, name: %s}\n" % (q(code[(l1,)]), q(l1)))
            l2s = sorted(t[1] for t in types if t[0] == l1)
            # Two digits per level: a class with more than 99 types gets parts of 99 in between.
            parts = [l2s] if len(l2s) <= 99 else [l2s[k:k + 99] for k in range(0, len(l2s), 99)]
            for p, part in enumerate(parts, start=1):
                parent = code[(l1,)]
                if len(parts) > 1:
                    parent += "%02d" % p
                    f.write("  - {code: %s, name: %s}\n" % (q(parent), q("%s (part %d)" % (l1, p))))
                for j, l2 in enumerate(part, start=1):
                    code[(l1, l2)] = parent + "%02d" % j
                    f.write("  - {code: %s, name: %s}\n" % (q(code[(l1, l2)]), q(l2 or "(unspecified)")))
        other = "%02d" % (len(l1s) + 1)
        f.write("  - {code: %s, name: %s}\n" % (q(other), q(other_name)))
    with open(os.path.join(out, "dispatch.yaml"), "w") as f:
        f.write(header + "catalogue:\n")
        for t in sorted(type_unit, key=lambda t: code[t]):
            f.write("  - {category: %s, lead: %s}\n" % (q(code[t]), q(units[type_unit[t]])))
        f.write("  - {category: %s, lead: %s}\n" % (q("%02d" % (len(l1s) + 1)), q(city_unit[0])))
    shutil.copy(ROLES, os.path.join(out, "roles.yaml"))
    shutil.copy(LIMITS, os.path.join(out, "time_limits.yaml"))
    return area_code, code, other


def write_map(f, key, column, mapping, default=None, extract=None):
    f.write("%s:\n  column: %s\n" % (key, q(column)))
    if extract:
        f.write("  extract: %s\n" % q(extract))
    if default is not None:
        f.write("  default: %s\n" % q(default))
    f.write("  map:\n")
    for k in sorted(mapping):
        f.write("    %s: %s\n" % (q(k), q(mapping[k])))


units_class = {}
unit_area = {}


def us_federal_holidays(years):
    """The US federal holidays (5 U.S.C. 6103) with their observed days, for the given years."""
    import datetime

    def nth(y, m, weekday, n):  # n-th weekday (0 = Monday) of the month; n = -1 for the last
        if n > 0:
            d = datetime.date(y, m, 1)
            d += datetime.timedelta((weekday - d.weekday()) % 7 + 7 * (n - 1))
            return d
        d = datetime.date(y + (m == 12), m % 12 + 1, 1) - datetime.timedelta(1)
        return d - datetime.timedelta((d.weekday() - weekday) % 7)

    def observed(d):
        return d + datetime.timedelta(-1 if d.weekday() == 5 else 1 if d.weekday() == 6 else 0)

    out = []
    for y in years:
        fixed = [(1, 1, "New Year's Day"), (7, 4, "Independence Day"), (11, 11, "Veterans Day"),
                 (12, 25, "Christmas Day")]
        if y >= 2021:
            fixed.append((6, 19, "Juneteenth"))
        for m, d, name in fixed:
            out.append((observed(datetime.date(y, m, d)), name))
        out += [(nth(y, 1, 0, 3), "Martin Luther King Jr. Day"), (nth(y, 2, 0, 3), "Presidents' Day"),
                (nth(y, 5, 0, -1), "Memorial Day"), (nth(y, 9, 0, 1), "Labor Day"),
                (nth(y, 10, 0, 2), "Columbus Day"), (nth(y, 11, 3, 4), "Thanksgiving Day")]
    return sorted(out)


with open(os.path.join(root, "config", "calendars", "us_federal_holidays.csv"), "w") as f:
    f.write("date,kind,festival\n")
    for d, name in us_federal_holidays(range(2008, 2027)):
        f.write("%s,holiday,%s\n" % (d.isoformat(), name))

# San Francisco: Category → Request.Type; areas are the supervisor districts.
sf_dir = os.path.join(data, "sf311-sample-2008-2016")
sf = list(rows(os.path.join(sf_dir, "sf311_cases_random_sample_10000.csv"))) + \
    list(rows(os.path.join(sf_dir, "sf311_cases_sample_with_geo_4984.csv")))
sf_types = {(r["Category"], r["Request.Type"]) for r in sf}
sf_type_unit = collections.defaultdict(collections.Counter)
for r in sf:
    sf_type_unit[(r["Category"], r["Request.Type"])][r["Responsible.Agency"]] += 1
sf_units = {a: "sf." + slug(a) for a in {r["Responsible.Agency"] for r in sf}}
sf_units["City and County of San Francisco"] = "sf.city"
districts = sorted({r["Supervisor.District"] for r in sf if r["Supervisor.District"] not in ("", "0")}, key=int)
sf_area_names = ["Supervisor District %s" % d for d in districts]
header = "# Generated by scripts/gen_demo_imports.py from the SF 311 sample (DataSF open data); do not edit.\n"
area_code, code, other = write_jurisdiction(
    "demo-sf", header, "sf-demo", "San Francisco 311 (demo, 2008-2016 sample)", -480,
    "../calendars/us_federal_holidays.csv", "0601",
    sf_area_names, sf_units, ("sf.city", "City and County of San Francisco"), sf_types,
    {t: c.most_common(1)[0][0] for t, c in sf_type_unit.items()}, "Other")
with open(os.path.join(root, "config", "import", "sf-cases.yaml"), "w") as f:
    f.write(header.replace("do not edit.", "do not edit by hand.") + """\
# The SF 311 samples (../shared/data/sf311-sample-2008-2016) into the demo-sf jurisdiction:
#   jiesu import --config config/demo-sf --db var/sf.db --mapping config/import/sf-cases.yaml \\
#     ../shared/data/sf311-sample-2008-2016/sf311_cases_random_sample_10000.csv
source: sf311
key: CaseID
time_format: ["%m/%d/%Y %I:%M:%S %p", "%Y-%m-%d %H:%M:%S"]   # the geo sample writes ISO times
empty_values: [NA]
utc_offset_minutes: -480   # the file's local times; daylight saving time is not modelled
received_at: Opened
closed_at: Closed
status: {column: Status, map: {Closed: closed, Open: open}}
title: Request.Type
content: [Request.Type, Request.Details, Address]
address: Address
reply_text: Status.Notes
channel:
  column: Source
  default: import
  map: {"Voice In": phone, "Open311": open311, "Web Self Service": web, "Integrated Agency": grid,
        "Twitter": web, "Other Department": grid, "e-mail In": email, "Mail In": offline}
""")
    # The category column holds both levels: the mapping keys on Request.Type, which is unique
    # enough in practice; a type under two categories goes to its more common one.
    by_type = collections.defaultdict(collections.Counter)
    for r in sf:
        by_type[r["Request.Type"]][(r["Category"], r["Request.Type"])] += 1
    write_map(f, "category", "Request.Type",
              {t: code[c.most_common(1)[0][0]] for t, c in by_type.items()}, default=other)
    write_map(f, "area", "Supervisor.District",
              {d: area_code["Supervisor District %s" % d] for d in districts}, default=area_code[""])
    write_map(f, "unit", "Responsible.Agency", {a: u for a, u in sf_units.items() if a != "City and County of San Francisco"},
              default="sf.city")

# New York: complaint_type → descriptor; areas are the boroughs; units the agencies.
nyc = list(rows(os.path.join(data, "nyc311-sample-2024-04", "nyc311_2024-04-15_16_sample.csv")))
nyc_types = {(r["complaint_type"], r["descriptor"]) for r in nyc}
nyc_type_unit = collections.defaultdict(collections.Counter)
for r in nyc:
    nyc_type_unit[(r["complaint_type"], r["descriptor"])][r["agency"]] += 1
agency_name = {r["agency"]: r["agency_name"] for r in nyc}
nyc_units = {a: "nyc." + slug(a) for a in agency_name}
boroughs = sorted({r["borough"] for r in nyc if r["borough"] not in ("", "Unspecified")})
header = "# Generated by scripts/gen_demo_imports.py from the NYC 311 sample (NYC Open Data); do not edit.\n"
# Units are named by agency code; their names are the agencies' full names.
nyc_units_named = {agency_name[a] + " (" + a + ")": u for a, u in nyc_units.items()}
area_code, code, other = write_jurisdiction(
    "demo-nyc", header, "nyc-demo", "New York City 311 (demo, April 2024 sample)", -240,
    "../calendars/us_federal_holidays.csv",
    "3601", [b.title() for b in boroughs], {**nyc_units_named, "City of New York": "nyc.city"},
    ("nyc.city", "City of New York"), nyc_types,
    {t: agency_name[c.most_common(1)[0][0]] + " (" + c.most_common(1)[0][0] + ")"
     for t, c in nyc_type_unit.items()}, "Other")
with open(os.path.join(root, "config", "import", "nyc-requests.yaml"), "w") as f:
    f.write(header.replace("do not edit.", "do not edit by hand.") + """\
# The NYC 311 sample (../shared/data/nyc311-sample-2024-04) into the demo-nyc jurisdiction:
#   jiesu import --config config/demo-nyc --db var/nyc.db --mapping config/import/nyc-requests.yaml \\
#     ../shared/data/nyc311-sample-2024-04/nyc311_2024-04-15_16_sample.csv
source: nyc311
key: unique_key
time_format: "%Y-%m-%dT%H:%M:%S.000"
utc_offset_minutes: -240   # New York in April (EDT); daylight saving time is not modelled
received_at: created_date
due_at: due_date
closed_at: closed_date
status: {column: status, default: open, map: {Closed: closed}}
title: descriptor
content: [complaint_type, descriptor, incident_address]
address: incident_address
latitude: latitude
longitude: longitude
reply_text: resolution_description
channel:
  column: open_data_channel_type
  default: import
  map: {PHONE: phone, ONLINE: web, MOBILE: app}
""")
    by_type = collections.defaultdict(collections.Counter)
    for r in nyc:
        by_type[r["descriptor"]][(r["complaint_type"], r["descriptor"])] += 1
    write_map(f, "category", "descriptor",
              {t: code[c.most_common(1)[0][0]] for t, c in by_type.items()}, default=other)
    write_map(f, "area", "borough", {b: area_code[b.title()] for b in boroughs}, default=area_code[""])
    write_map(f, "unit", "agency", nyc_units, default="nyc.city")

# Teddy Cup: A市 with its districts and counties as areas, each with its government as a unit.
tc_dir = os.path.join(data, "teddycup2020-gov-messages")
place = re.compile(r"(A[0-9]+[区县市])")
found = collections.Counter()
for fn in ("fj3_messages_votes_4326.csv", "fj4_messages_replies_2816.csv"):
    for r in rows(os.path.join(tc_dir, fn)):
        m = place.search(r["title"])
        if m:
            found[m.group(1)] += 1
tc_areas = sorted(found, key=lambda a: int(re.search(r"[0-9]+", a).group()))
tc_units = {a + "人民政府": "a." + slug(a.replace("区", "q").replace("县", "x").replace("市", "s")) for a in tc_areas}
for a in tc_areas:
    uid = tc_units[a + "人民政府"]
    units_class[uid] = "district"
    unit_area[uid] = a
header = "# Generated by scripts/gen_demo_imports.py from the Teddy Cup 2020 messages (see SOURCE.md); do not edit.\n"
# The taxonomy is demo-beijing's (the competition's 15 level-1 classes; 附件1's finer levels are
# competition data and not shipped), with an unclassified class the messages take.
area_code, code, other = write_jurisdiction(
    "demo-acity", header, "teddycup-demo", "A市 (Teddy Cup 2020 messages, anonymised)", 480,
    "../calendars/cn_holidays_2025_2026.csv", "9901", tc_areas, {**tc_units, "A市人民政府": "a.city"},
    ("a.city", "A市人民政府"), set(), {}, "未分类")
with open(os.path.join(root, "config", "demo-beijing", "taxonomy.yaml")) as src:
    beijing = src.read()
top = [int(c) for c in re.findall(r'code: "([0-9]{2})"', beijing)]
other = "%02d" % (max(top) + 1)
with open(os.path.join(root, "config", "demo-acity", "taxonomy.yaml"), "w") as f:
    f.write(header + "# demo-beijing's taxonomy and an unclassified class.\n")
    f.write(re.sub(r"^#.*\n", "", beijing, flags=re.M).replace("version: ", "version: teddycup-", 1))
    f.write("  - {code: %s, name: 未分类}\n" % q(other))
with open(os.path.join(root, "config", "demo-acity", "dispatch.yaml"), "w") as f:
    f.write(header + "catalogue:\n  - {category: %s, lead: a.city}\n" % q(other))
for fj, what, extra in (
        ("fj3", "附件3: messages with votes, not yet answered", ""),
        ("fj4", "附件4: messages with the replies given", "closed_at: reply_time\nreply_text: reply\n")):
    fn = "fj3_messages_votes_4326.csv" if fj == "fj3" else "fj4_messages_replies_2816.csv"
    name = "acity-messages" if fj == "fj3" else "acity-replies"
    with open(os.path.join(root, "config", "import", name + ".yaml"), "w") as f:
        f.write(header.replace("do not edit.", "do not edit by hand.") + """\
# The Teddy Cup %s (../shared/data/teddycup2020-gov-messages) into demo-acity:
#   jiesu import --config config/demo-acity --db var/teddycup.db \\
#     --mapping config/import/%s.yaml ../shared/data/teddycup2020-gov-messages/%s
source: teddycup-%s
key: msg_id
time_format: ["%%Y/%%m/%%d %%H:%%M:%%S", "%%Y-%%m-%%d %%H:%%M:%%S", "%%Y/%%m/%%d"]   # the files mix them
utc_offset_minutes: 480
received_at: time
%stitle: title
content: [title, detail]
channel: {column: "", default: web}   # 问政平台 messages
category: {column: "", default: %s}   # the files carry no category (see train-classifier)
""" % (what, name, fn, fj, extra, q(other)))
        write_map(f, "area", "title", {a: area_code[a] for a in tc_areas}, default=area_code[""],
                  extract=place.pattern)
        write_map(f, "unit", "title", {a: tc_units[a + "人民政府"] for a in tc_areas}, default="a.city",
                  extract=place.pattern)
print("wrote demo-sf (%d types, %d units), demo-nyc (%d types, %d units), demo-acity (%d areas)" % (
    len(sf_types), len(sf_units), len(nyc_types), len(nyc_units), len(tc_areas)))
