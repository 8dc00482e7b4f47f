// Likely duplicates (并单) among recent orders, and the 一类事 clusters they form.
//
// Each order's text becomes a MinHash signature over the character 3-grams of its Content():
// K = bands × rows minimum hashes, 16 bits of each kept (b-bit MinHash) for estimating the
// Jaccard similarity. Locality-sensitive hashing finds candidates: for each band the `rows`
// full minima are hashed into a bucket of a fixed table, and buckets chain the orders that
// fell in them, newest first. A query walks its bands' chains (bounded), estimates the
// similarity of each candidate from the signatures and ranks them, preferring the same
// district and category, within a time window.
//
// Orders live in a ring of fixed capacity: the oldest are forgotten as new ones come, and a
// chain walk stops at the first forgotten or too-old entry. Memory is fixed at construction:
// about 130 bytes per order of capacity with the defaults (dup_index_bytes_per_order in
// `make bench-text`). Thread-safe: queries share a lock, additions take it alone.
#pragma once

#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace jiesu::text {

struct DupOptions {
  uint32_t capacity = 1u << 20;  // orders kept (the most recent)
  int bands = 12;
  int rows = 2;                     // minima per band: a pair with Jaccard s meets in a band
                                    // with probability s^rows
  int bucket_bits = 18;             // 2^bucket_bits chain heads per band
  int max_chain = 24;               // entries examined per band and query (newest first)
  int window_days = 90;             // candidates older than this are not duplicates
  double min_similarity = 0.3;      // estimated Jaccard below this is not a candidate
  double cluster_similarity = 0.5;  // an order joins the cluster of its best match above this
};

struct DupCandidate {
  int64_t order_id = 0;
  double similarity = 0;  // estimated Jaccard similarity of the texts' 3-gram sets
  bool same_area = false;
  bool same_category = false;
  int days_apart = 0;
};

struct DupCluster {
  uint32_t id = 0;
  std::string area;                     // the members' most common district (or other area) code
  std::string category;                 // and category code
  int32_t first_day = 0, last_day = 0;  // days since the epoch (local)
  std::vector<int64_t> orders;          // oldest first
};

class DuplicateIndex {
 public:
  explicit DuplicateIndex(DupOptions options = {});

  // Adds an order; `content` is Normalizer::Content() of its text, `day` its local day number.
  // Returns the cluster it joined (its own new cluster when it matched nothing closely).
  uint32_t Add(int64_t order_id, std::string_view content, int32_t day, const std::string& area,
               const std::string& category);
  // The `k` most similar recent orders, best first.
  std::vector<DupCandidate> Query(std::string_view content, int32_t day, const std::string& area,
                                  const std::string& category, size_t k) const;
  // Clusters with at least `min_size` members whose last member is on or after `since_day`,
  // largest first.
  std::vector<DupCluster> Clusters(size_t min_size, int32_t since_day, size_t limit) const;

  size_t size() const;
  // Bytes held by the index's arrays (fixed at construction).
  size_t MemoryBytes() const;

 private:
  using Signature = std::vector<uint32_t>;  // K full minima
  Signature Sign(std::string_view content) const;
  uint32_t Slot(const Signature& sig, int band) const;
  uint32_t Code(std::vector<std::string>& names, std::unordered_map<std::string, uint32_t>& ids,
                const std::string& name);
  std::vector<DupCandidate> QueryLocked(const Signature& sig, int32_t day, uint32_t area,
                                        uint32_t category, size_t k,
                                        std::vector<uint64_t>* seqs) const;

  DupOptions o_;
  int k_;
  std::vector<uint64_t> seeds_;
  mutable std::shared_mutex mu_;
  uint64_t added_ = 0;           // sequence number of the next order (1-based in heads)
  std::vector<uint32_t> heads_;  // bands × 2^bucket_bits: low 32 bits of seq + 1, 0 = empty
  std::vector<uint32_t> next_;   // capacity × bands: the previous seq + 1 in the chain
  std::vector<uint16_t> sig_;    // capacity × K
  std::vector<int64_t> order_;   // capacity
  std::vector<int32_t> day_;
  std::vector<uint32_t> area_, category_, cluster_;
  std::vector<std::string> area_names_, category_names_;
  std::unordered_map<std::string, uint32_t> area_ids_, category_ids_;
};

}  // namespace jiesu::text
