#include "text/dup_index.h"

#include <algorithm>
#include <map>
#include <mutex>

#include "text/normalize.h"

namespace jiesu::text {

namespace {

uint64_t Mix(uint64_t x) {  // splitmix64's finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

constexpr uint32_t kNoName = 0;

}  // namespace

DuplicateIndex::DuplicateIndex(DupOptions options) : o_(options), k_(options.bands * options.rows) {
  for (int i = 0; i < k_; ++i)
    seeds_.push_back(Mix(0x9e3779b97f4a7c15ULL * static_cast<uint64_t>(i + 1)));
  heads_.assign(static_cast<size_t>(o_.bands) << o_.bucket_bits, 0);
  next_.assign(static_cast<size_t>(o_.capacity) * static_cast<size_t>(o_.bands), 0);
  sig_.assign(static_cast<size_t>(o_.capacity) * static_cast<size_t>(k_), 0);
  order_.assign(o_.capacity, 0);
  day_.assign(o_.capacity, 0);
  area_.assign(o_.capacity, 0);
  category_.assign(o_.capacity, 0);
  cluster_.assign(o_.capacity, 0);
  area_names_.push_back("");
  category_names_.push_back("");
}

DuplicateIndex::Signature DuplicateIndex::Sign(std::string_view content) const {
  Signature sig(static_cast<size_t>(k_), UINT32_MAX);
  thread_local std::vector<std::string_view> chars;
  SplitChars(content, chars);
  auto add = [&](std::string_view shingle) {
    const uint64_t h = std::hash<std::string_view>{}(shingle);
    for (int i = 0; i < k_; ++i) {
      const auto v = static_cast<uint32_t>(Mix(h ^ seeds_[static_cast<size_t>(i)]));
      if (v < sig[static_cast<size_t>(i)]) sig[static_cast<size_t>(i)] = v;
    }
  };
  if (chars.size() < 3) {
    if (!content.empty()) add(content);
    return sig;
  }
  for (size_t i = 0; i + 3 <= chars.size(); ++i) {
    add(std::string_view(
        chars[i].data(),
        static_cast<size_t>(chars[i + 2].data() + chars[i + 2].size() - chars[i].data())));
  }
  return sig;
}

uint32_t DuplicateIndex::Slot(const Signature& sig, int band) const {
  uint64_t h = Mix(static_cast<uint64_t>(band) + 1);
  for (int r = 0; r < o_.rows; ++r) h = Mix(h ^ sig[static_cast<size_t>(band * o_.rows + r)]);
  return static_cast<uint32_t>(h & ((1u << o_.bucket_bits) - 1));
}

uint32_t DuplicateIndex::Code(std::vector<std::string>& names,
                              std::unordered_map<std::string, uint32_t>& ids,
                              const std::string& name) {
  if (name.empty()) return kNoName;
  auto [it, added] = ids.emplace(name, static_cast<uint32_t>(names.size()));
  if (added) names.push_back(name);
  return it->second;
}

std::vector<DupCandidate> DuplicateIndex::QueryLocked(const Signature& sig, int32_t day,
                                                      uint32_t area, uint32_t category, size_t k,
                                                      std::vector<uint64_t>* seqs_out) const {
  thread_local std::vector<uint64_t> seqs;
  seqs.clear();
  const uint64_t oldest = added_ > o_.capacity ? added_ - o_.capacity : 0;
  for (int b = 0; b < o_.bands; ++b) {
    uint32_t cur = heads_[(static_cast<size_t>(b) << o_.bucket_bits) + Slot(sig, b)];
    for (int steps = 0; cur != 0 && steps < o_.max_chain; ++steps) {
      // Heads and links keep the low 32 bits of seq + 1; rebuild the full number relative to
      // the newest (the ring never spans 2^32 orders).
      const uint64_t seq =
          (added_ - 1) - ((static_cast<uint32_t>(added_ - 1) - (cur - 1)) & 0xFFFFFFFFu);
      if (seq < oldest || seq >= added_) break;  // forgotten
      const size_t idx = seq % o_.capacity;
      if (day_[idx] < day - o_.window_days) break;  // chains run newest first
      seqs.push_back(seq);
      cur = next_[idx * static_cast<size_t>(o_.bands) + static_cast<size_t>(b)];
    }
  }
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
  std::vector<std::pair<double, DupCandidate>> scored;
  std::vector<uint64_t> kept;
  for (uint64_t seq : seqs) {
    const size_t idx = seq % o_.capacity;
    const uint16_t* s = &sig_[idx * static_cast<size_t>(k_)];
    int same = 0;
    for (int i = 0; i < k_; ++i) same += s[i] == static_cast<uint16_t>(sig[static_cast<size_t>(i)]);
    const double sim = static_cast<double>(same) / k_;
    if (sim < o_.min_similarity) continue;
    DupCandidate c;
    c.order_id = order_[idx];
    c.similarity = sim;
    c.same_area = area != kNoName && area_[idx] == area;
    c.same_category = category != kNoName && category_[idx] == category;
    c.days_apart = std::abs(day - day_[idx]);
    scored.emplace_back(sim + (c.same_area ? 0.05 : 0) + (c.same_category ? 0.02 : 0), c);
    kept.push_back(seq);
  }
  std::vector<size_t> order(scored.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return scored[a].first > scored[b].first; });
  std::vector<DupCandidate> out;
  for (size_t i = 0; i < order.size() && out.size() < k; ++i) {
    out.push_back(scored[order[i]].second);
    if (seqs_out) seqs_out->push_back(kept[order[i]]);
  }
  return out;
}

uint32_t DuplicateIndex::Add(int64_t order_id, std::string_view content, int32_t day,
                             const std::string& area, const std::string& category) {
  const Signature sig = Sign(content);
  std::unique_lock lock(mu_);
  const uint32_t a = Code(area_names_, area_ids_, area);
  const uint32_t c = Code(category_names_, category_ids_, category);
  std::vector<uint64_t> best_seq;
  std::vector<DupCandidate> best =
      added_ ? QueryLocked(sig, day, a, c, 1, &best_seq) : std::vector<DupCandidate>{};
  const uint64_t seq = added_++;
  const size_t idx = seq % o_.capacity;
  uint32_t cluster = static_cast<uint32_t>(seq + 1);
  if (!best.empty() && best[0].similarity >= o_.cluster_similarity) {
    cluster = cluster_[best_seq[0] % o_.capacity];
  }
  for (int b = 0; b < o_.bands; ++b) {
    uint32_t& head = heads_[(static_cast<size_t>(b) << o_.bucket_bits) + Slot(sig, b)];
    next_[idx * static_cast<size_t>(o_.bands) + static_cast<size_t>(b)] = head;
    head = static_cast<uint32_t>(seq + 1);
  }
  for (int i = 0; i < k_; ++i)
    sig_[idx * static_cast<size_t>(k_) + static_cast<size_t>(i)] =
        static_cast<uint16_t>(sig[static_cast<size_t>(i)]);
  order_[idx] = order_id;
  day_[idx] = day;
  area_[idx] = a;
  category_[idx] = c;
  cluster_[idx] = cluster;
  return cluster;
}

std::vector<DupCandidate> DuplicateIndex::Query(std::string_view content, int32_t day,
                                                const std::string& area,
                                                const std::string& category, size_t k) const {
  const Signature sig = Sign(content);
  std::shared_lock lock(mu_);
  if (added_ == 0) return {};
  auto find = [](const std::unordered_map<std::string, uint32_t>& ids, const std::string& name) {
    auto it = ids.find(name);
    return it == ids.end() ? kNoName : it->second;
  };
  return QueryLocked(sig, day, find(area_ids_, area), find(category_ids_, category), k, nullptr);
}

std::vector<DupCluster> DuplicateIndex::Clusters(size_t min_size, int32_t since_day,
                                                 size_t limit) const {
  std::shared_lock lock(mu_);
  std::map<uint32_t, std::vector<size_t>> members;
  const uint64_t oldest = added_ > o_.capacity ? added_ - o_.capacity : 0;
  for (uint64_t seq = oldest; seq < added_; ++seq)
    members[cluster_[seq % o_.capacity]].push_back(seq % o_.capacity);
  std::vector<DupCluster> out;
  for (const auto& [id, idx] : members) {
    if (idx.size() < min_size || day_[idx.back()] < since_day) continue;
    DupCluster c;
    c.id = id;
    std::map<uint32_t, int> areas, cats;
    c.first_day = day_[idx.front()];
    c.last_day = day_[idx.back()];
    for (size_t i : idx) {
      c.orders.push_back(order_[i]);
      ++areas[area_[i]];
      ++cats[category_[i]];
      c.first_day = std::min(c.first_day, day_[i]);
      c.last_day = std::max(c.last_day, day_[i]);
    }
    auto most = [](const std::map<uint32_t, int>& m) {
      return std::max_element(m.begin(), m.end(),
                              [](auto& a, auto& b) { return a.second < b.second; })
          ->first;
    };
    c.area = area_names_[most(areas)];
    c.category = category_names_[most(cats)];
    out.push_back(std::move(c));
  }
  std::stable_sort(out.begin(), out.end(), [](const DupCluster& a, const DupCluster& b) {
    return a.orders.size() > b.orders.size();
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

size_t DuplicateIndex::size() const {
  std::shared_lock lock(mu_);
  return static_cast<size_t>(std::min<uint64_t>(added_, o_.capacity));
}

size_t DuplicateIndex::MemoryBytes() const {
  return heads_.size() * sizeof(uint32_t) + next_.size() * sizeof(uint32_t) +
         sig_.size() * sizeof(uint16_t) + order_.size() * sizeof(int64_t) +
         day_.size() * sizeof(int32_t) +
         (area_.size() + category_.size() + cluster_.size()) * sizeof(uint32_t);
}

}  // namespace jiesu::text
