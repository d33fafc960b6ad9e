#pragma once
// Convex and non-convex white regions [paper: Larochelle et al. 2007, §3.3, "Recognition of convex sets"],
// with the parameters of the data set's page ("Convex / non-convex sets", LISA wiki, 2007):
//   convex:     "the intersection of a number of half-planes whose location and orientation were chosen
//                uniformly at random. The number of intersecting half-planes was also sampled randomly
//                according to a geometric distribution with parameter 0.195. A candidate convex image was
//                rejected if there were less than 19 pixels in the convex region."
//   non-convex: "the union of a random number of convex sets generated as above, but with the number of
//                half-planes sampled from a geometric distribution with parameter 0.07 and with a minimum
//                number of 10 pixels. The number of convex sets was sampled uniformly from 2 to 4. The
//                candidate non-convex images were then tested by checking a convexity condition for every
//                pair of pixels in the non-convex set. Those sets that failed the convexity test were added."
// Regions are sets of pixels; a pixel belongs to a half-plane when its centre does. Labels: 1 = convex.
#include <cstdint>
#include <vector>

#include "lecon/core/rng.hpp"
#include "lecon/variants/pixels.hpp"

namespace lecon::variants {

using Region = std::vector<std::uint8_t>;  // (kPixels) 1 inside, 0 outside, at pixel_index(y, x)

// The recipe's parameters (the data set's page).
constexpr double kConvexHalfPlanesP = 0.195;     // geometric parameter of the half-plane count, convex images
constexpr std::size_t kConvexMinPixels = 19;
constexpr double kPieceHalfPlanesP = 0.07;       // ... of each convex piece of a non-convex image
constexpr std::size_t kPieceMinPixels = 10;

// The number of half-planes: geometric on {0, 1, 2, ...}, P(k) = (1 - p)^k p (mean (1 - p) / p), the number
// of failures before the first success. The page does not say which of the two usual conventions it means;
// this is MATLAB's geornd (the authors generated the data in MATLAB), and it is the one that reproduces the
// page's balance of white pixels: measured over 2000 images each, 449 (convex) and 459 (non-convex) white
// pixels per image on average, against 270 and 476 with k counted from 1. k = 0 is the whole image.
std::size_t random_half_plane_count(Rng& rng, double p);

// The intersection of random_half_plane_count(p) half-planes, each bounded by a line through a point uniform
// in the image square [0, 28)^2 with a normal direction uniform in [0, 2π); drawn again until it holds at
// least min_pixels pixels.
Region random_convex_region(Rng& rng, double p, std::size_t min_pixels);
// The union of 2 to 4 (uniform) random_convex_region(kPieceHalfPlanesP, kPieceMinPixels), drawn again until
// it is not convex.
Region random_nonconvex_region(Rng& rng);

// Whether a set of pixels is convex as a digital set: every pixel whose centre lies in the convex hull of
// the set's pixel centres (boundary included) belongs to the set. An intersection of half-planes always
// is (the hull of its pixel centres lies inside every half-plane); the empty set is convex.
bool is_convex(const Region& region);

std::size_t region_pixels(const Region& region);
Pixels draw_region(const Region& region);  // white (1) inside, black (0) outside

}  // namespace lecon::variants
