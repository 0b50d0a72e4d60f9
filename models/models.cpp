// The models layer's library; its parts live in the subfolders.
namespace nabla::models {}
