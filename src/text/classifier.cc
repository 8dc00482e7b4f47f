#include "text/classifier.h"

#include <linear.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace jiesu::text {

namespace {

constexpr char kMagic[] = "jiesu-classifier/1\n";

// Calls fn(ngram) for every character n-gram (1..max_n) of `content`.
template <typename Fn>
void ForEachNgram(std::string_view content, int max_n, std::vector<std::string_view>& chars,
                  Fn&& fn) {
  SplitChars(content, chars);
  for (size_t i = 0; i < chars.size(); ++i) {
    const char* begin = chars[i].data();
    for (int n = 1; n <= max_n && i + static_cast<size_t>(n) <= chars.size(); ++n) {
      const std::string_view& last = chars[i + static_cast<size_t>(n) - 1];
      fn(std::string_view(begin, static_cast<size_t>(last.data() + last.size() - begin)));
    }
  }
}

float Idf(size_t docs, size_t df) {
  return static_cast<float>(
      std::log((static_cast<double>(docs) + 1) / (static_cast<double>(df) + 1) + 1));
}

void Quiet(const char*) {}

template <typename T>
void Put(std::ostream& out, const T& v) {
  out.write(reinterpret_cast<const char*>(&v), sizeof v);
}
void PutString(std::ostream& out, const std::string& s) {
  Put(out, static_cast<uint32_t>(s.size()));
  out.write(s.data(), static_cast<std::streamsize>(s.size()));
}
template <typename T>
bool Get(std::istream& in, T& v) {
  return static_cast<bool>(in.read(reinterpret_cast<char*>(&v), sizeof v));
}
bool GetString(std::istream& in, std::string& s) {
  uint32_t n = 0;
  if (!Get(in, n) || n > (1u << 20)) return false;
  s.resize(n);
  return static_cast<bool>(in.read(s.data(), n));
}

}  // namespace

namespace {

struct TransparentHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

uint64_t GramHash(std::string_view g) {
  const uint64_t h = std::hash<std::string_view>{}(g);
  return h == 0 ? 1 : h;  // 0 marks an empty slot
}

}  // namespace

void Classifier::BuildTable() {
  size_t size = 16;
  while (size < grams_.size() * 2) size *= 2;
  table_.assign(size, {0, 0});
  for (uint32_t f = 0; f < grams_.size(); ++f) {
    const uint64_t h = GramHash(grams_[f]);
    size_t i = h & (size - 1);
    while (table_[i].first != 0) i = (i + 1) & (size - 1);
    table_[i] = {h, f};
  }
}

int64_t Classifier::Lookup(std::string_view gram) const {
  // Two n-grams with one 64-bit hash would share a feature; at 10^6 features the chance that
  // any pair does is about 3 in 10^8.
  const uint64_t h = GramHash(gram);
  const size_t mask = table_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    if (table_[i].first == h) return table_[i].second;
    if (table_[i].first == 0) return -1;
  }
}

void Classifier::Vectorize(std::string_view content,
                           std::vector<std::pair<uint32_t, float>>& out) const {
  out.clear();
  thread_local std::vector<std::string_view> chars;
  ForEachNgram(content, options_.max_ngram, chars, [&](std::string_view g) {
    if (const int64_t f = Lookup(g); f >= 0) out.emplace_back(static_cast<uint32_t>(f), 1.0f);
  });
  std::sort(out.begin(), out.end());
  size_t w = 0;
  for (size_t r = 0; r < out.size();) {
    size_t e = r;
    while (e < out.size() && out[e].first == out[r].first) ++e;
    out[w++] = {out[r].first, (1.0f + std::log(static_cast<float>(e - r))) * idf_[out[r].first]};
    r = e;
  }
  out.resize(w);
  double norm = 0;
  for (auto& [f, v] : out) norm += static_cast<double>(v) * v;
  norm = std::sqrt(norm);
  if (norm > 0) {
    for (auto& [f, v] : out) v = static_cast<float>(v / norm);
  }
}

Result<std::shared_ptr<const Classifier>> Classifier::Train(
    std::shared_ptr<const Normalizer> normalizer, const std::vector<LabelledText>& rows,
    const ClassifierOptions& options) {
  if (rows.empty()) return InvalidArgument("no training rows");
  if (options.max_ngram < 1 || options.max_ngram > 4) {
    return InvalidArgument("max_ngram must be 1..4", "max_ngram");
  }
  if (!(options.c > 0)) return InvalidArgument("C must be positive", "c");
  std::shared_ptr<Classifier> model(new Classifier());
  model->normalizer_ = normalizer;
  model->options_ = options;
  std::map<std::string, int> label_ids;
  for (const auto& r : rows) label_ids.emplace(r.label, 0);
  if (label_ids.size() < 2) return InvalidArgument("training needs at least two labels");
  for (auto& [name, id] : label_ids) {
    id = static_cast<int>(model->labels_.size());
    model->labels_.push_back(name);
  }

  // Document frequencies, then the vocabulary of n-grams in at least min_df rows.
  std::vector<std::string> contents;
  contents.reserve(rows.size());
  for (const auto& r : rows) contents.push_back(normalizer->Content(r.text));
  std::unordered_map<std::string, uint32_t, TransparentHash, std::equal_to<>> df;
  std::vector<std::string_view> chars;
  std::set<std::string_view> seen;
  for (const std::string& c : contents) {
    seen.clear();
    ForEachNgram(c, options.max_ngram, chars, [&](std::string_view g) { seen.insert(g); });
    for (std::string_view g : seen) {
      auto it = df.find(g);
      if (it == df.end()) {
        df.emplace(std::string(g), 1);
      } else {
        ++it->second;
      }
    }
  }
  for (auto& [gram, count] : df) {
    if (count < static_cast<uint32_t>(options.min_df)) continue;
    model->grams_.push_back(gram);
    model->idf_.push_back(Idf(rows.size(), count));
  }
  df.clear();
  model->BuildTable();

  // liblinear's problem: 1-based feature indexes, each row ended by index -1.
  std::vector<std::vector<feature_node>> nodes(rows.size());
  std::vector<feature_node*> x(rows.size());
  std::vector<double> y(rows.size());
  std::vector<std::pair<uint32_t, float>> vec;
  for (size_t i = 0; i < rows.size(); ++i) {
    model->Vectorize(contents[i], vec);
    for (auto& [f, v] : vec) nodes[i].push_back({static_cast<int>(f) + 1, v});
    nodes[i].push_back({-1, 0});
    x[i] = nodes[i].data();
    y[i] = label_ids[rows[i].label];
  }
  problem prob{};
  prob.l = static_cast<int>(rows.size());
  prob.n = static_cast<int>(model->idf_.size());
  prob.y = y.data();
  prob.x = x.data();
  prob.bias = -1;
  parameter param{};
  param.solver_type = L2R_L2LOSS_SVC;
  param.eps = 0.01;
  param.C = options.c;
  param.p = 0.1;
  if (const char* err = check_parameter(&prob, &param)) return InvalidArgument(err);
  set_print_string_function(&Quiet);
  struct model* m = train(&prob, &param);
  if (m == nullptr) return Internal("liblinear training failed");
  const size_t k = model->labels_.size();
  model->weights_.assign(model->idf_.size() * k, 0.0f);
  for (int ci = 0; ci < m->nr_class; ++ci) {
    const auto label = static_cast<size_t>(m->label[ci]);
    for (int f = 1; f <= m->nr_feature; ++f) {
      model->weights_[static_cast<size_t>(f - 1) * k + label] =
          static_cast<float>(get_decfun_coef(m, f, ci));
    }
  }
  free_and_destroy_model(&m);
  model->training_rows_ = rows.size();
  return std::shared_ptr<const Classifier>(std::move(model));
}

std::vector<ScoredLabel> Classifier::Predict(std::string_view text, size_t k) const {
  return PredictContent(normalizer_->Content(text), k);
}

std::vector<ScoredLabel> Classifier::PredictContent(std::string_view content, size_t k) const {
  thread_local std::vector<std::pair<uint32_t, float>> vec;
  Vectorize(content, vec);
  const size_t n = labels_.size();
  std::vector<double> margin(n, 0.0);
  for (auto& [f, v] : vec) {
    const float* w = &weights_[static_cast<size_t>(f) * n];
    for (size_t j = 0; j < n; ++j) margin[j] += static_cast<double>(w[j]) * v;
  }
  const double top = *std::max_element(margin.begin(), margin.end());
  double sum = 0;
  std::vector<ScoredLabel> out(n);
  for (size_t j = 0; j < n; ++j) {
    out[j].label = labels_[j];
    out[j].confidence = std::exp(options_.confidence_scale * (margin[j] - top));
    sum += out[j].confidence;
  }
  for (auto& s : out) s.confidence /= sum;
  std::stable_sort(out.begin(), out.end(), [](const ScoredLabel& a, const ScoredLabel& b) {
    return a.confidence > b.confidence;
  });
  out.resize(std::min(k, n));
  return out;
}

Status Classifier::Save(const std::string& path) const {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Unavailable("cannot write " + tmp);
    out.write(kMagic, sizeof kMagic - 1);
    Put(out, static_cast<int32_t>(options_.max_ngram));
    Put(out, static_cast<int32_t>(options_.min_df));
    Put(out, options_.c);
    Put(out, options_.confidence_scale);
    Put(out, static_cast<uint64_t>(training_rows_));
    Put(out, static_cast<uint32_t>(labels_.size()));
    for (const auto& l : labels_) PutString(out, l);
    Put(out, static_cast<uint32_t>(idf_.size()));
    for (size_t f = 0; f < idf_.size(); ++f) {
      PutString(out, grams_[f]);
      Put(out, idf_[f]);
      out.write(reinterpret_cast<const char*>(&weights_[f * labels_.size()]),
                static_cast<std::streamsize>(labels_.size() * sizeof(float)));
    }
    out.flush();
    if (!out) return Unavailable("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Unavailable("cannot rename " + tmp + " to " + path + ": " + ec.message());
  return {};
}

Result<std::shared_ptr<const Classifier>> Classifier::Load(
    std::shared_ptr<const Normalizer> normalizer, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("no classifier model at " + path);
  std::string magic(sizeof kMagic - 1, '\0');
  if (!in.read(magic.data(), static_cast<std::streamsize>(magic.size())) || magic != kMagic) {
    return InvalidArgument(path + " is not a jiesu classifier model");
  }
  std::shared_ptr<Classifier> model(new Classifier());
  model->normalizer_ = std::move(normalizer);
  int32_t max_n = 0, min_df = 0;
  uint64_t trained = 0;
  uint32_t nlabels = 0, nfeatures = 0;
  bool ok = Get(in, max_n) && Get(in, min_df) && Get(in, model->options_.c) &&
            Get(in, model->options_.confidence_scale) && Get(in, trained) && Get(in, nlabels) &&
            max_n >= 1 && max_n <= 4 && nlabels >= 2 && nlabels < 100000;
  model->options_.max_ngram = max_n;
  model->options_.min_df = min_df;
  model->training_rows_ = trained;
  for (uint32_t i = 0; ok && i < nlabels; ++i) {
    std::string l;
    ok = GetString(in, l);
    model->labels_.push_back(std::move(l));
  }
  ok = ok && Get(in, nfeatures) && nfeatures < (1u << 28);
  if (ok) {
    model->idf_.reserve(nfeatures);
    model->weights_.resize(static_cast<size_t>(nfeatures) * nlabels);
    model->grams_.reserve(nfeatures);
  }
  for (uint32_t f = 0; ok && f < nfeatures; ++f) {
    std::string gram;
    float idf = 0;
    ok = GetString(in, gram) && Get(in, idf) &&
         static_cast<bool>(
             in.read(reinterpret_cast<char*>(&model->weights_[static_cast<size_t>(f) * nlabels]),
                     static_cast<std::streamsize>(nlabels * sizeof(float))));
    model->idf_.push_back(idf);
    model->grams_.push_back(std::move(gram));
  }
  if (!ok || in.peek() != EOF)
    return InvalidArgument(path + " is damaged (truncated or malformed)");
  model->BuildTable();
  return std::shared_ptr<const Classifier>(std::move(model));
}

ClassifierReport Score(const std::vector<std::string>& gold,
                       const std::vector<std::string>& predicted) {
  ClassifierReport r;
  r.rows = gold.size();
  std::set<std::string> names(gold.begin(), gold.end());
  names.insert(predicted.begin(), predicted.end());
  r.matrix_labels.assign(names.begin(), names.end());
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < r.matrix_labels.size(); ++i) index[r.matrix_labels[i]] = i;
  r.confusion.assign(names.size(), std::vector<int>(names.size(), 0));
  size_t correct = 0;
  for (size_t i = 0; i < gold.size() && i < predicted.size(); ++i) {
    ++r.confusion[index[gold[i]]][index[predicted[i]]];
    if (gold[i] == predicted[i]) ++correct;
  }
  r.accuracy = gold.empty() ? 0 : static_cast<double>(correct) / static_cast<double>(gold.size());
  std::set<std::string> gold_names(gold.begin(), gold.end());
  double f1_sum = 0;
  for (size_t k = 0; k < names.size(); ++k) {
    if (!gold_names.count(r.matrix_labels[k])) continue;
    int tp = r.confusion[k][k], pred = 0, support = 0;
    for (size_t j = 0; j < names.size(); ++j) {
      pred += r.confusion[j][k];
      support += r.confusion[k][j];
    }
    LabelScores s;
    s.label = r.matrix_labels[k];
    s.support = support;
    s.precision = pred ? static_cast<double>(tp) / pred : 0;
    s.recall = support ? static_cast<double>(tp) / support : 0;
    s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
    f1_sum += s.f1;
    r.per_label.push_back(s);
  }
  r.macro_f1 = r.per_label.empty() ? 0 : f1_sum / static_cast<double>(r.per_label.size());
  return r;
}

namespace {

// `s` padded with spaces to `width` terminal columns (CJK characters take two).
std::string Pad(const std::string& s, size_t width) {
  std::vector<std::string_view> chars;
  SplitChars(s, chars);
  size_t cols = 0;
  for (std::string_view c : chars) cols += c.size() >= 3 ? 2 : 1;
  return s + std::string(width > cols ? width - cols : 1, ' ');
}

}  // namespace

std::string FormatReport(const ClassifierReport& r) {
  std::ostringstream out;
  char line[256];
  out << "rows: " << r.rows << "\n\nlabel                    support  precision  recall     f1\n";
  for (const auto& s : r.per_label) {
    std::snprintf(line, sizeof line, "%8d %10.4f %7.4f %6.4f\n", s.support, s.precision, s.recall,
                  s.f1);
    out << Pad(s.label, 24) << line;
  }
  out << "\nconfusion matrix (rows: gold, columns: predicted, in this order):\n";
  for (size_t k = 0; k < r.matrix_labels.size(); ++k)
    out << "  " << k + 1 << " " << r.matrix_labels[k] << "\n";
  out << "     ";
  for (size_t k = 0; k < r.matrix_labels.size(); ++k) {
    std::snprintf(line, sizeof line, "%6zu", k + 1);
    out << line;
  }
  out << "\n";
  for (size_t k = 0; k < r.matrix_labels.size(); ++k) {
    std::snprintf(line, sizeof line, "%4zu ", k + 1);
    out << line;
    for (int v : r.confusion[k]) {
      std::snprintf(line, sizeof line, "%6d", v);
      out << line;
    }
    out << "\n";
  }
  std::snprintf(line, sizeof line, "\nmacro_f1=%.4f\naccuracy=%.4f\n", r.macro_f1, r.accuracy);
  out << line;
  return out.str();
}

}  // namespace jiesu::text
