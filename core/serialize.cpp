#include "core/serialize.h"

#include <stdio.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <tuple>

#include "core/atomic_file.h"
#include "core/copy.h"
#include "kernels/view.h"

namespace nabla {

static_assert(std::endian::native == std::endian::little,
              "safetensors I/O copies raw bytes and assumes a little-endian host");

namespace {

using json = nlohmann::json;
constexpr uint64_t kMaxHeader = 100u << 20;  // 100 MiB, as the reference reader
constexpr const char* kMetadataKey = "__metadata__";

const std::pair<DType, const char*> kDtypeNames[] = {
    {DType::f32, "F32"}, {DType::f64, "F64"}, {DType::i64, "I64"},
    {DType::u8, "U8"},   {DType::b8, "BOOL"}, {DType::bf16, "BF16"},
};

// ---------------------------------------------------------------- writing

// Row-major bytes of `t` gathered element by element through its strides.
std::string gather_bytes(const Tensor& t) {
  const size_t item = itemsize(t.dtype());
  const int64_t n = t.numel();
  std::string out(static_cast<size_t>(n) * item, '\0');
  const auto* base = static_cast<const char*>(t.data_ptr());
  const int64_t nd = t.dim();
  std::vector<int64_t> index(static_cast<size_t>(nd), 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t offset = 0;
    for (int64_t d = 0; d < nd; ++d) offset += index[d] * t.stride(d);
    std::memcpy(out.data() + static_cast<size_t>(i) * item, base + offset * static_cast<int64_t>(item), item);
    for (int64_t d = nd - 1; d >= 0 && ++index[d] == t.size(d); --d) index[d] = 0;
  }
  return out;
}

void check_names(const std::string& path, const NamedTensors& tensors) {
  std::set<std::string> seen;
  for (const auto& [name, t] : tensors) {
    if (name.empty() || name == kMetadataKey)
      throw std::invalid_argument("save_safetensors: " + path + ": invalid tensor name '" + name + "'");
    if (!seen.insert(name).second)
      throw std::invalid_argument("save_safetensors: " + path + ": duplicate tensor name '" + name + "'");
    if (!t.defined())
      throw std::invalid_argument("save_safetensors: " + path + ": tensor '" + name + "' is undefined");
  }
}

// ---------------------------------------------------------------- reading

struct Entry {
  std::string name;
  DType dtype;
  Shape shape;
  uint64_t begin, end;
};

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}
  Safetensors read();

 private:
  [[noreturn]] void fail(const std::string& what) const { throw std::runtime_error(path_ + ": " + what); }
  [[noreturn]] void fail_at(const std::string& what, uint64_t offset) const {
    fail(what + " at byte " + std::to_string(offset));
  }
  void read_exact(void* dst, uint64_t n, uint64_t offset);
  json parse_header(const std::string& text);
  Entry parse_entry(const std::string& name, const json& value) const;
  void check_coverage(std::vector<Entry>& entries) const;
  Tensor read_tensor(const Entry& e);

  std::string path_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_{nullptr, &std::fclose};
  uint64_t file_size_ = 0, header_len_ = 0, buffer_size_ = 0;
};

void Reader::read_exact(void* dst, uint64_t n, uint64_t offset) {
  if (n == 0) return;
  if (::fseeko(file_.get(), static_cast<off_t>(offset), SEEK_SET) != 0 ||
      std::fread(dst, 1, n, file_.get()) != n)
    fail_at("short read of " + std::to_string(n) + " bytes (file changed while reading?)", offset);
}

json Reader::parse_header(const std::string& text) {
  // Duplicate top-level keys would silently overwrite each other: catch them.
  std::string duplicate;
  std::set<std::string> keys;
  auto on_event = [&](int depth, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::key && depth == 1 && !keys.insert(parsed.get<std::string>()).second &&
        duplicate.empty())
      duplicate = parsed.get<std::string>();
    return true;
  };
  json header;
  try {
    header = json::parse(text, on_event);
  } catch (const json::parse_error& e) {
    fail_at(std::string("header is not valid JSON (") + e.what() + ")", 8 + (e.byte > 0 ? e.byte - 1 : 0));
  } catch (const json::exception& e) {
    // A number past double's range (a fuzzed 1e3084) throws out_of_range,
    // which carries no position: find the literal it quotes in the header.
    const std::string what = e.what();
    const size_t quote = what.find("parsing '");
    const size_t at = quote == std::string::npos ? std::string::npos
                                                 : text.find(what.substr(quote + 9, what.rfind('\'') - quote - 9));
    fail_at("header is not valid JSON (" + what + ")", 8 + (at == std::string::npos ? 0 : at));
  }
  if (!header.is_object()) fail_at("header is not a JSON object", 8);
  if (!duplicate.empty()) fail("duplicate tensor name '" + duplicate + "' in the header");
  return header;
}

Entry Reader::parse_entry(const std::string& name, const json& v) const {
  const std::string what = "tensor '" + name + "': ";
  if (!v.is_object()) fail(what + "entry is not a JSON object");
  for (const auto& [key, unused] : v.items())
    if (key != "dtype" && key != "shape" && key != "data_offsets") fail(what + "unexpected field '" + key + "'");
  Entry e{name, DType::f32, {}, 0, 0};
  if (!v.contains("dtype") || !v["dtype"].is_string()) fail(what + "missing or non-string dtype");
  const auto dtype = v["dtype"].get<std::string>();
  auto it = std::find_if(std::begin(kDtypeNames), std::end(kDtypeNames),
                         [&](const auto& p) { return dtype == p.second; });
  if (it == std::end(kDtypeNames)) fail(what + "unknown dtype '" + dtype + "'");
  e.dtype = it->first;

  if (!v.contains("shape") || !v["shape"].is_array()) fail(what + "missing or non-array shape");
  if (v["shape"].size() > static_cast<size_t>(kernels::kMaxDims))
    fail(what + "shape has " + std::to_string(v["shape"].size()) + " dims, at most " +
         std::to_string(kernels::kMaxDims) + " are supported");
  // numel * itemsize must fit in the file: anything above 2^62 overflows or lies.
  // Zero sizes count as ones here: an empty tensor's strides still multiply
  // the other sizes (a fuzzed [65536, 0, 2^29, 2^27] overflowed them).
  uint64_t bytes = itemsize(e.dtype);
  for (const auto& s : v["shape"]) {
    if (!s.is_number_unsigned()) fail(what + "shape entry " + s.dump() + " is not a non-negative integer");
    const uint64_t size = s.get<uint64_t>();
    if (size > (uint64_t{1} << 62)) fail(what + "shape " + v["shape"].dump() + " overflows");
    e.shape.push_back(static_cast<int64_t>(size));
    const uint64_t factor = std::max<uint64_t>(size, 1);
    if (bytes > (uint64_t{1} << 62) / factor) bytes = (uint64_t{1} << 62) + 1;
    else bytes *= factor;
  }
  if (bytes > (uint64_t{1} << 62)) fail(what + "shape " + v["shape"].dump() + " overflows");
  if (std::find(e.shape.begin(), e.shape.end(), 0) != e.shape.end()) bytes = 0;

  const json* offsets = v.contains("data_offsets") ? &v["data_offsets"] : nullptr;
  if (!offsets || !offsets->is_array() || offsets->size() != 2 || !(*offsets)[0].is_number_unsigned() ||
      !(*offsets)[1].is_number_unsigned())
    fail(what + "data_offsets must be two non-negative integers");
  e.begin = (*offsets)[0].get<uint64_t>();
  e.end = (*offsets)[1].get<uint64_t>();
  const uint64_t data_start = 8 + header_len_;
  if (e.begin > e.end)
    fail_at(what + "data_offsets " + offsets->dump() + " end before they begin", data_start + e.end);
  if (e.end > buffer_size_)
    fail_at(what + "data_offsets " + offsets->dump() + " run past the end of the data buffer (" +
                std::to_string(buffer_size_) + " bytes)",
            data_start + e.end);
  if (e.end - e.begin != bytes)
    fail_at(what + "data_offsets " + offsets->dump() + " hold " + std::to_string(e.end - e.begin) + " bytes but " +
                nabla::name(e.dtype) + str(e.shape) + " needs " + std::to_string(bytes),
            data_start + e.begin);
  return e;
}

// The spec requires the ranges to tile the buffer: no overlap, no hole.
void Reader::check_coverage(std::vector<Entry>& entries) const {
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return std::tie(a.begin, a.end) < std::tie(b.begin, b.end); });
  const uint64_t data_start = 8 + header_len_;
  uint64_t covered = 0;
  const Entry* prev = nullptr;
  for (const Entry& e : entries) {
    if (e.begin < covered)
      fail_at("tensors '" + prev->name + "' [" + std::to_string(prev->begin) + ", " + std::to_string(prev->end) +
                  ") and '" + e.name + "' [" + std::to_string(e.begin) + ", " + std::to_string(e.end) + ") overlap",
              data_start + e.begin);
    if (e.begin > covered)
      fail_at("gap in the data buffer: bytes [" + std::to_string(covered) + ", " + std::to_string(e.begin) +
                  ") belong to no tensor",
              data_start + covered);
    covered = e.end;
    if (e.end > e.begin) prev = &e;
  }
  if (covered != buffer_size_)
    fail_at("gap in the data buffer: bytes [" + std::to_string(covered) + ", " + std::to_string(buffer_size_) +
                ") belong to no tensor",
            data_start + covered);
}

Tensor Reader::read_tensor(const Entry& e) {
  Tensor t = make_tensor(e.shape, e.dtype, Device::cpu());
  const uint64_t offset = 8 + header_len_ + e.begin;
  read_exact(t.data_ptr(), e.end - e.begin, offset);
  if (e.dtype == DType::b8) {
    const auto* b = static_cast<const unsigned char*>(t.data_ptr());
    for (uint64_t i = 0; i < e.end - e.begin; ++i)
      if (b[i] > 1) fail_at("tensor '" + e.name + "': BOOL byte " + std::to_string(b[i]) + " is not 0 or 1", offset + i);
  }
  return t;
}

Safetensors Reader::read() {
  std::error_code ec;
  file_size_ = std::filesystem::file_size(path_, ec);
  if (ec) fail("cannot stat: " + ec.message());
  file_.reset(std::fopen(path_.c_str(), "rb"));
  if (!file_) fail(std::string("cannot open: ") + std::strerror(errno));
  if (file_size_ < 8) fail("truncated: " + std::to_string(file_size_) + " bytes, the header length alone needs 8");
  unsigned char len[8];
  read_exact(len, 8, 0);
  for (int i = 7; i >= 0; --i) header_len_ = (header_len_ << 8) | len[i];
  if (header_len_ > file_size_ - 8)
    fail_at("header length " + std::to_string(header_len_) + " runs past the end of the file (" +
                std::to_string(file_size_) + " bytes)",
            0);
  if (header_len_ > kMaxHeader)
    fail_at("header length " + std::to_string(header_len_) + " exceeds the " + std::to_string(kMaxHeader) +
                "-byte cap",
            0);
  buffer_size_ = file_size_ - 8 - header_len_;
  std::string text(header_len_, '\0');
  read_exact(text.data(), header_len_, 8);
  const json header = parse_header(text);

  Safetensors out;
  std::vector<Entry> entries;
  for (const auto& [name, value] : header.items()) {
    if (name != kMetadataKey) {
      entries.push_back(parse_entry(name, value));
      continue;
    }
    if (!value.is_object()) fail("__metadata__ is not a JSON object");
    for (const auto& [key, v] : value.items()) {
      if (!v.is_string()) fail("__metadata__ value of '" + key + "' is not a string");
      out.metadata[key] = v.get<std::string>();
    }
  }
  check_coverage(entries);
  for (const Entry& e : entries) out.tensors.emplace_back(e.name, read_tensor(e));
  return out;
}

}  // namespace

const Tensor* Safetensors::find(const std::string& name) const {
  for (const auto& [n, t] : tensors)
    if (n == name) return &t;
  return nullptr;
}

const Tensor& Safetensors::at(const std::string& name) const {
  if (const Tensor* t = find(name)) return *t;
  throw std::out_of_range("Safetensors::at: no tensor named '" + name + "'");
}

const char* safetensors_dtype(DType t) {
  for (const auto& [dtype, name] : kDtypeNames)
    if (dtype == t) return name;
  throw std::invalid_argument("safetensors_dtype: unknown dtype");
}

void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata) {
  check_names(path, tensors);
  json header = json::object();
  std::vector<std::string> data;
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    Tensor cpu = t.device().is_cpu() ? t : prim::to(t, Device::cpu());
    data.push_back(gather_bytes(cpu));
    header[name] = {{"dtype", safetensors_dtype(t.dtype())},
                    {"shape", t.shape()},
                    {"data_offsets", {offset, offset + data.back().size()}}};
    offset += data.back().size();
  }
  if (!metadata.empty()) header[kMetadataKey] = metadata;
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // keeps the data 8-byte aligned
  unsigned char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(static_cast<uint64_t>(text.size()) >> (8 * i));

  AtomicFile file(path);
  file.write(len, 8);
  file.write(text);
  for (const auto& bytes : data) file.write(bytes);
  file.commit();
}

Safetensors load_safetensors(const std::string& path) { return Reader(path).read(); }

}  // namespace nabla
