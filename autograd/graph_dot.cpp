#include "autograd/graph_dot.h"

#include <unordered_map>

#include "autograd/node.h"

namespace nabla {

namespace {

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

// A node's output shape is what its consumers recorded for that input (or,
// for a root or a leaf, the tensor's own shape).
using Shapes = std::unordered_map<const Node*, Shape>;

std::string output_of(const Node& n, const Shapes& shapes) {
  auto it = shapes.find(&n);
  return std::string(name(n.out_dtype)) + (it != shapes.end() ? str(it->second) : "");
}

std::string saved_of(const Node& n) {
  if (n.released) return "\\nsaved: freed by backward";
  std::string s;
  for (const SavedTensor& t : n.saved)
    if (t.peek().defined()) s += " " + describe(t.peek()) + (t.modified() ? " (modified in place!)" : "");
  return s.empty() ? s : "\\nsaved:" + s;
}

std::string hooks_of(const Node& n) {
  std::string s;
  if (n.hooks && !n.hooks->hooks.empty()) s += "\\nhooks: " + std::to_string(n.hooks->hooks.size());
  if (!n.retains_grad.expired()) s += "\\nretain_grad";
  return s;
}

std::string attributes(const Node& n, const Shapes& shapes, const DotOptions& opt) {
  if (n.is_accumulator()) {
    auto it = opt.names.find(n.leaf.get());
    const std::string label = it != opt.names.end() ? escape(it->second) : "leaf";
    return "label=\"" + label + "\\n" + output_of(n, shapes) + hooks_of(n) +
           "\", shape=ellipse, style=filled, fillcolor=lightblue";
  }
  return "label=\"" + escape(n.op) + "\\n" + output_of(n, shapes) + (opt.show_saved ? saved_of(n) : "") + hooks_of(n) +
         "\"";
}

}  // namespace

std::string graph_dot(const std::vector<Tensor>& roots, const DotOptions& options) {
  std::unordered_map<const Node*, std::string> ids;
  Shapes shapes;
  std::vector<std::shared_ptr<Node>> order, stack;  // keeps made-on-demand accumulators alive
  auto visit = [&](const std::shared_ptr<Node>& n) {
    if (n && ids.emplace(n.get(), "n" + std::to_string(ids.size())).second) {
      order.push_back(n);
      stack.push_back(n);
    }
  };
  std::string out = "digraph autograd {\n  node [shape=box, fontname=\"monospace\"];\n";
  for (size_t i = 0; i < roots.size(); ++i) {
    auto node = gradient_edge(roots[i]);
    if (!node) continue;
    visit(node);
    shapes[node.get()] = roots[i].shape();
    out += "  out" + std::to_string(i) + " [label=\"output " + std::to_string(i) + "\", shape=plaintext];\n";
    out += "  " + ids[node.get()] + " -> out" + std::to_string(i) + ";\n";
  }
  while (!stack.empty()) {
    auto n = stack.back();
    stack.pop_back();
    if (n->is_accumulator()) shapes[n.get()] = n->leaf->shape;
    for (size_t i = 0; i < n->next.size(); ++i) {
      visit(n->next[i]);
      if (n->next[i]) shapes.emplace(n->next[i].get(), n->input_shapes[i]);
    }
  }
  for (const auto& n : order) {
    out += "  " + ids[n.get()] + " [" + attributes(*n, shapes, options) + "];\n";
    for (size_t i = 0; i < n->next.size(); ++i) {
      if (!n->next[i]) continue;
      out += "  " + ids[n->next[i].get()] + " -> " + ids[n.get()];
      out += n->next.size() > 1 ? " [label=\"" + std::to_string(i) + "\"];\n" : ";\n";
    }
  }
  return out + "}\n";
}

}  // namespace nabla
