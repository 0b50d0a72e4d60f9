#include "autograd/grad_mode.h"

namespace nabla {
namespace {
thread_local bool grad_mode = true;
}
bool grad_enabled() { return grad_mode; }
void set_grad_enabled(bool on) { grad_mode = on; }
}  // namespace nabla
