#include "core/cpu_memory.h"

#include <optional>

#include "core/factory.h"
#include "core/views.h"
#include "tests/testing.h"

namespace nabla {
namespace {

TEST(CpuMemory, CountsLiveBuffersAndTheirBytes) {
  const CpuMemoryStats before = cpu_memory_stats();
  std::optional<Tensor> a = make_tensor({3, 5}, DType::f64, Device::cpu());
  const CpuMemoryStats with_a = cpu_memory_stats();
  EXPECT_EQ(with_a.live_storages, before.live_storages + 1);
  EXPECT_EQ(with_a.live_bytes, before.live_bytes + 3 * 5 * 8);
  {
    Tensor view = prim::transpose(*a, 0, 1);  // shares a's buffer: nothing new
    EXPECT_EQ(cpu_memory_stats().live_storages, with_a.live_storages);
    a.reset();
    EXPECT_EQ(cpu_memory_stats().live_bytes, with_a.live_bytes);  // the view keeps it alive
  }
  const CpuMemoryStats after = cpu_memory_stats();
  EXPECT_EQ(after.live_storages, before.live_storages);
  EXPECT_EQ(after.live_bytes, before.live_bytes);
}

}  // namespace
}  // namespace nabla
