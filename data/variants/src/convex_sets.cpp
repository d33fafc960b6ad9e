#include "lecon/variants/convex_sets.hpp"

#include <algorithm>
#include <cmath>

#include "lecon/core/error.hpp"

namespace lecon::variants {
namespace {

constexpr std::size_t kMaxDraws = 10000000;  // a safety net; the recipes accept within hundreds of draws

struct Point {
  long x, y;
};

// (b - a) x (c - a): > 0 when a, b, c turn counter-clockwise (in x-right, y-down pixel coordinates the
// sign is mirrored, which does not matter for a hull test).
long cross(const Point& a, const Point& b, const Point& c) { return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x); }

// Andrew's monotone chain: the hull's corners in counter-clockwise order, collinear points dropped.
std::vector<Point> convex_hull(std::vector<Point> points) {
  std::sort(points.begin(), points.end(), [](const Point& a, const Point& b) { return a.x != b.x ? a.x < b.x : a.y < b.y; });
  if (points.size() < 3) return points;
  std::vector<Point> hull(2 * points.size());
  std::size_t k = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {  // lower chain
    while (k >= 2 && cross(hull[k - 2], hull[k - 1], points[i]) <= 0) --k;
    hull[k++] = points[i];
  }
  for (std::size_t i = points.size() - 1, lower = k + 1; i-- > 0;) {  // upper chain
    while (k >= lower && cross(hull[k - 2], hull[k - 1], points[i]) <= 0) --k;
    hull[k++] = points[i];
  }
  hull.resize(k - 1);
  return hull;
}

// Whether p lies in the hull (corners counter-clockwise) or on its boundary.
bool in_hull(const std::vector<Point>& hull, const Point& p) {
  if (hull.size() == 1) return p.x == hull[0].x && p.y == hull[0].y;
  if (hull.size() == 2) {  // a segment: collinear and between its ends
    const Point &a = hull[0], &b = hull[1];
    return cross(a, b, p) == 0 && std::min(a.x, b.x) <= p.x && p.x <= std::max(a.x, b.x) && std::min(a.y, b.y) <= p.y &&
           p.y <= std::max(a.y, b.y);
  }
  for (std::size_t i = 0; i < hull.size(); ++i)
    if (cross(hull[i], hull[(i + 1) % hull.size()], p) < 0) return false;
  return true;
}

}  // namespace

std::size_t random_half_plane_count(Rng& rng, double p) {
  std::size_t k = 0;  // failures before the first success (MATLAB's geornd)
  while (rng.uniform() >= p) ++k;
  return k;
}

Region random_convex_region(Rng& rng, double p, std::size_t min_pixels) {
  const double two_pi = 2 * std::acos(-1.0);
  for (std::size_t draw = 0; draw < kMaxDraws; ++draw) {
    const std::size_t half_planes = random_half_plane_count(rng, p);
    Region region(kPixels, 1);
    std::size_t inside = kPixels;
    for (std::size_t h = 0; h < half_planes && inside >= min_pixels; ++h) {
      // A line through (px, py), uniform in the image square, with normal (cos a, sin a), a uniform: the
      // half-plane is the side the normal points to.
      const double px = rng.uniform(0, kSide), py = rng.uniform(0, kSide), a = rng.uniform(0, two_pi);
      const double nx = std::cos(a), ny = std::sin(a);
      inside = 0;
      for (std::size_t y = 0; y < kSide; ++y)
        for (std::size_t x = 0; x < kSide; ++x) {
          std::uint8_t& in = region[pixel_index(y, x)];
          if (in && (x + 0.5 - px) * nx + (y + 0.5 - py) * ny < 0) in = 0;
          inside += in;
        }
    }
    // "rejected if there were less than 19 pixels" (10 for a piece of a non-convex image). A region only
    // shrinks as half-planes are added, so a draw that falls below the minimum early is rejected at once.
    if (inside >= min_pixels) return region;
  }
  throw Error("random_convex_region: no region of at least " + std::to_string(min_pixels) + " pixels in " + std::to_string(kMaxDraws) + " draws");
}

Region random_nonconvex_region(Rng& rng) {
  for (std::size_t draw = 0; draw < kMaxDraws; ++draw) {
    const std::size_t pieces = 2 + rng.uniform_int(3);  // "sampled uniformly from 2 to 4"
    Region region(kPixels, 0);
    for (std::size_t i = 0; i < pieces; ++i) {
      const Region piece = random_convex_region(rng, kPieceHalfPlanesP, kPieceMinPixels);
      for (std::size_t j = 0; j < kPixels; ++j) region[j] |= piece[j];
    }
    // "Those sets that failed the convexity test were added to the dataset."
    if (!is_convex(region)) return region;
  }
  throw Error("random_nonconvex_region: every union was convex in " + std::to_string(kMaxDraws) + " draws");
}

bool is_convex(const Region& region) {
  std::vector<Point> members;
  long top = kSide, bottom = -1, left = kSide, right = -1;
  for (std::size_t y = 0; y < kSide; ++y)
    for (std::size_t x = 0; x < kSide; ++x)
      if (region[pixel_index(y, x)]) {
        members.push_back({long(x), long(y)});
        top = std::min(top, long(y)), bottom = std::max(bottom, long(y));
        left = std::min(left, long(x)), right = std::max(right, long(x));
      }
  if (members.empty()) return true;
  const std::vector<Point> hull = convex_hull(members);
  // The convexity condition: no pixel outside the set lies in the hull (only the bounding box can).
  for (long y = top; y <= bottom; ++y)
    for (long x = left; x <= right; ++x)
      if (!region[pixel_index(std::size_t(y), std::size_t(x))] && in_hull(hull, {x, y})) return false;
  return true;
}

std::size_t region_pixels(const Region& region) {
  std::size_t n = 0;
  for (std::uint8_t in : region) n += in;
  return n;
}

Pixels draw_region(const Region& region) {
  Pixels image(kPixels);
  for (std::size_t i = 0; i < kPixels; ++i) image[i] = region[i] ? Real(1) : Real(0);
  return image;
}

}  // namespace lecon::variants
