// Writes the seed corpora of the fuzz targets with nabla's own writers:
//   make_corpus <dir>   ->  <dir>/{safetensors,idx,checkpoint,checkpoint_json,metrics}/
// Small valid files (and a few near misses a real run leaves: a torn metrics
// line), so that the fuzzers start from the formats' real structure.
#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "core/factory.h"
#include "core/serialize.h"
#include "core/views.h"
#include "models/io/metrics_log.h"
#include "models/train/checkpoint.h"

namespace fs = std::filesystem;
using namespace nabla;

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_all(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

Tensor bytes_tensor(const Shape& shape, DType dtype) {
  Tensor t = empty(shape, dtype);
  auto* p = static_cast<unsigned char*>(t.data_ptr());
  const size_t n = static_cast<size_t>(t.numel()) * itemsize(dtype);
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<unsigned char>(dtype == DType::b8 ? i % 2 : 3 * i + 1);
  return t;
}

void safetensors_seeds(const std::string& dir) {
  save_safetensors(dir + "/f32.safetensors", {{"w", prim::reshape(arange(0, 6, 1, DType::f32), {2, 3})}});
  save_safetensors(dir + "/dtypes.safetensors",
                   {{"a", bytes_tensor({2}, DType::f64)},
                    {"b", bytes_tensor({3}, DType::i64)},
                    {"c", bytes_tensor({2, 2}, DType::u8)},
                    {"d", bytes_tensor({3}, DType::b8)},
                    {"e", bytes_tensor({2}, DType::bf16)},
                    {"f", bytes_tensor({}, DType::f32)},
                    {"g", bytes_tensor({0, 4}, DType::f32)}},
                   {{"format", "pt"}, {"note", "seed"}});
  save_safetensors(dir + "/metadata_only.safetensors", {}, {{"k", "v"}});
}

// IDX has no writer in the library (nabla only reads MNIST): the format is
// 00 00 08 <dims>, big-endian u32 sizes, then the bytes.
std::string idx(const std::vector<uint32_t>& sizes) {
  std::string out{'\0', '\0', '\x08', static_cast<char>(sizes.size())};
  size_t n = 1;
  for (uint32_t s : sizes) {
    for (int b = 3; b >= 0; --b) out += static_cast<char>((s >> (8 * b)) & 0xFF);
    n *= s;
  }
  for (size_t i = 0; i < n; ++i) out += static_cast<char>(i * 37 % 256);
  return out;
}

void write_gzip(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb9");
  if (!f || gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) != static_cast<int>(bytes.size()) ||
      gzclose(f) != Z_OK)
    throw std::runtime_error(path + ": gzip write failed");
}

void idx_seeds(const std::string& dir) {
  write_all(dir + "/labels-idx1-ubyte", idx({5}));
  write_all(dir + "/images-idx3-ubyte", idx({2, 4, 3}));
  write_all(dir + "/four-dims-idx4-ubyte", idx({1, 2, 2, 2}));
  write_gzip(dir + "/images-idx3-ubyte.gz", idx({2, 3, 3}));
}

train::Checkpoint small_checkpoint() {
  train::Checkpoint c;
  c.step = 7;
  c.config.model = "gan";
  c.config.steps = 20;
  c.config.batch = 4;
  c.config.lr = 1e-3;
  c.config.seed = 1;
  c.config.options = {{"data", "ring8"}, {"loss", "minimax"}};
  c.state.tensors = {{"G.0.weight", prim::reshape(arange(0, 4, 1, DType::f32), {2, 2})},
                     {"D_opt.step", zeros({}, DType::i64)}};
  c.state.values = {{"gan_steps", 7},
                    {"D_opt", {{"type", "adam"}}},
                    {"gen", {{"seed", 1}, {"offset", 64}}}};
  return c;
}

void checkpoint_seeds(const std::string& dir, const std::string& json_dir) {
  train::Checkpoint c = small_checkpoint();
  train::save_checkpoint(dir + "/step-7.safetensors", c);
  c.config.device = Device::parse("cuda:1");
  c.config.options = nlohmann::json::object();
  c.state.values = nlohmann::json::object();
  train::save_checkpoint(dir + "/cuda.safetensors", c);
  // The JSON target takes the metadata text alone, as the writer made it.
  for (const char* name : {"step-7", "cuda"}) {
    const Safetensors file = load_safetensors(dir + "/" + name + ".safetensors");
    write_all(json_dir + "/" + name + ".json", file.metadata.at("nabla"));
  }
}

void metrics_seeds(const std::string& dir) {
  const std::string path = dir + "/metrics.jsonl";
  {
    io::MetricsLog log(path);
    log.log(10, {{"loss_d", 1.25}, {"loss_g", 0.75}});
    log.log(20, {{"loss_d", 1.0}, {"loss_g", std::nan("")}});
    log.log(30, {{"fid", 12.5}});
  }
  const std::string text = read_all(path);
  write_all(dir + "/torn.jsonl", text.substr(0, text.size() - 9));  // a run killed mid-write
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_corpus <dir>\n";
    return 2;
  }
  const std::string root = argv[1];
  for (const char* d : {"safetensors", "idx", "checkpoint", "checkpoint_json", "metrics"})
    fs::create_directories(root + "/" + d);
  safetensors_seeds(root + "/safetensors");
  idx_seeds(root + "/idx");
  checkpoint_seeds(root + "/checkpoint", root + "/checkpoint_json");
  metrics_seeds(root + "/metrics");
  return 0;
}
