#pragma once
// A tiny built-in 5x7 bitmap font for plot labels: digits, '.', '-', '+',
// A-Z (lower case drawn as upper case, so tick labels read "1E-3") and some
// punctuation; anything else draws as '?'.
#include <cstdint>

namespace nabla::io {

inline constexpr int kGlyphWidth = 5;
inline constexpr int kGlyphHeight = 7;

// The glyph's 7 rows, bit 4 the leftmost column.
const uint8_t* glyph(char c);
// Whether column x, row y of c's glyph is inked.
bool glyph_pixel(char c, int x, int y);

}  // namespace nabla::io
