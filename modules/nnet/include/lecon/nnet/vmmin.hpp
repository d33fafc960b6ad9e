#pragma once
// The BFGS variable-metric minimiser that R's nnet calls: R's vmmin (the variable-metric method of
// J. C. Nash, "Compact Numerical Methods for Computers", 2nd ed., as re-crafted by B. D. Ripley in R's
// src/appl/optim.c; also optim(method = "BFGS")).
//
// Full batch: the whole data set is one function of the weights, handed over as a function object
// (as in ensmallen) with
// Compiled example (tests/docs/header_examples.cpp):
//   double evaluate(const arma::vec& w);                 // f(w)
//   void gradient(const arma::vec& w, arma::vec& g);      // g = ∇f(w), overwritten
// The method keeps an approximation B of the INVERSE Hessian (starting from the identity), steps along
// the quasi-Newton direction d = -B g with a backtracking line search, and updates B by the BFGS
// formula. Every sum runs in the order R's code runs it, so for the same function and start the
// iterates agree with R's to the last bit (see docs/nnet.md).
#include <armadillo>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <string>

#include "lecon/core/error.hpp"

namespace lecon::nnet {

struct VmminOptions {
  int maxit = 100;        // most iterations (accepted steps); <= 0 only evaluates f at the start
  double abstol = 1e-4;   // stop once f <= abstol (nnet's default; optim's is -Inf)
  double reltol = 1e-8;   // stop once a step changes f by at most reltol * (|f| + reltol)
  int report = 10;        // with a trace, print the value every `report` iterations (nnet: 10)
  std::ostream* trace = nullptr;  // R's trace = TRUE: "initial  value ...", "iter  10 value ...", ...
};

struct VmminResult {
  arma::vec x;               // (n) the last point visited: R's $par / nnet's $wts
  double value = 0;          // f at the best point: R's $value
  int iterations = 0;        // accepted steps, counting the start as 1 (R's iter)
  int function_count = 0;    // calls of evaluate
  int gradient_count = 0;    // calls of gradient
  bool converged = false;    // stopped by a tolerance before maxit (R's convergence == 0)
};

namespace detail {
// R prints with C's "%f" (six decimals); so do we, so that the traces can be compared line by line.
inline std::string printf_value(const char* format, double value) {
  char line[64];
  std::snprintf(line, sizeof line, format, value);
  return line;
}
inline std::string printf_iteration(int iteration, double value) {
  char line[64];
  std::snprintf(line, sizeof line, "iter%4d value %f\n", iteration, value);
  return line;
}
}  // namespace detail

// Minimises f from x0. Throws Error if f(x0) is not finite.
template <typename Function>
VmminResult vmmin(Function& f, const arma::vec& x0, const VmminOptions& options = {}) {
  // Constants of Nash's line search.
  constexpr double step_reduction = 0.2;   // shrink the step by this factor after a failed trial
  constexpr double acceptance = 1e-4;      // sufficient-decrease (Armijo) constant
  constexpr double change_test = 10.0;     // a coordinate "moved" if 10 + x_old != 10 + x_new

  if (options.report <= 0) throw Error("vmmin: report = " + std::to_string(options.report) + ", expected a positive count");
  const arma::uword n = x0.n_elem;
  VmminResult result;
  arma::vec b = x0;  // the current point (R's b)
  if (options.maxit <= 0) {
    result.x = b;
    result.value = f.evaluate(b);
    result.converged = true;
    return result;
  }

  arma::vec g(n), direction(n), x_start(n), g_start(n), By(n);
  arma::mat B(n, n);  // inverse-Hessian approximation; only the lower triangle B(i, j), j <= i, is used
  // B is symmetric: its (i, j) entry lives at (max, min).
  auto Bsym = [&B](arma::uword i, arma::uword j) -> double { return i >= j ? B(i, j) : B(j, i); };

  double value = f.evaluate(b);
  if (!std::isfinite(value))
    throw Error("vmmin: the objective at the starting point is " + std::to_string(value) +
                ", expected a finite value (check the data and the initial weights)");
  if (options.trace) *options.trace << detail::printf_value("initial  value %f \n", value);
  double best = value;  // f at the last accepted point (R's Fmin)
  int function_count = 1, gradient_count = 1;
  f.gradient(b, g);
  int iteration = 1;
  int last_reset = gradient_count;  // gradient count at the last reset of B to the identity (R's ilast)
  arma::uword unchanged = 0;        // coordinates the last trial step left unchanged (R's count)

  do {
    if (last_reset == gradient_count) B.eye();  // start again from steepest descent
    x_start = b;
    g_start = g;
    // [slide: BFGS quasi-Newton] search direction d = -B g, and its slope along the gradient g'd
    double slope = 0.0;
    for (arma::uword i = 0; i < n; ++i) {
      double s = 0.0;
      for (arma::uword j = 0; j < n; ++j) s -= Bsym(i, j) * g[j];
      direction[i] = s;
      slope += s * g[i];
    }

    if (slope < 0.0) {  // d points downhill
      // [slide: BFGS quasi-Newton] backtracking line search: try x + a d with a = 1, 0.2, 0.04, ...
      // until f(x + a d) <= f(x) + 1e-4 a g'd (sufficient decrease) or the step no longer moves x.
      double step = 1.0;
      bool accepted = false;
      do {
        unchanged = 0;
        for (arma::uword i = 0; i < n; ++i) {
          b[i] = x_start[i] + step * direction[i];
          if (change_test + x_start[i] == change_test + b[i]) ++unchanged;
        }
        if (unchanged < n) {
          value = f.evaluate(b);
          ++function_count;
          accepted = std::isfinite(value) && value <= best + slope * step * acceptance;
          if (!accepted) step *= step_reduction;
        }
      } while (!(unchanged == n || accepted));

      // Stop when f is small or its relative change is below reltol.
      const bool enough = value > options.abstol && std::fabs(value - best) > options.reltol * (std::fabs(best) + options.reltol);
      if (!enough) {
        unchanged = n;
        best = value;
      }
      if (unchanged < n) {  // progress: accept the step and update B
        best = value;
        f.gradient(b, g);
        ++gradient_count;
        ++iteration;
        // [slide: BFGS quasi-Newton] s = x_new - x_old = a d,  y = g_new - g_old,  D1 = s'y
        double D1 = 0.0;
        for (arma::uword i = 0; i < n; ++i) {
          direction[i] *= step;           // now s
          g_start[i] = g[i] - g_start[i];  // now y
          D1 += direction[i] * g_start[i];
        }
        if (D1 > 0) {
          // [slide: BFGS quasi-Newton] inverse-Hessian update, with By = B y and D2 = 1 + y'By / s'y:
          //   B <- B + (D2 s s' - By s' - s (By)') / s'y
          double D2 = 0.0;
          for (arma::uword i = 0; i < n; ++i) {
            double s = 0.0;
            for (arma::uword j = 0; j < n; ++j) s += Bsym(i, j) * g_start[j];
            By[i] = s;
            D2 += s * g_start[i];
          }
          D2 = 1.0 + D2 / D1;
          for (arma::uword i = 0; i < n; ++i)
            for (arma::uword j = 0; j <= i; ++j)
              B(i, j) += (D2 * direction[i] * direction[j] - By[i] * direction[j] - direction[i] * By[j]) / D1;
        } else {  // s'y <= 0: B would lose positive definiteness; restart from the identity
          last_reset = gradient_count;
        }
      } else if (last_reset < gradient_count) {  // no progress: one more try from steepest descent
        unchanged = 0;
        last_reset = gradient_count;
      }
    } else {  // d points uphill: restart from steepest descent, unless that is what failed
      unchanged = 0;
      if (last_reset == gradient_count)
        unchanged = n;
      else
        last_reset = gradient_count;
    }
    if (options.trace && iteration % options.report == 0) *options.trace << detail::printf_iteration(iteration, value);
    if (iteration >= options.maxit) break;
    if (gradient_count - last_reset > 2 * static_cast<int>(n)) last_reset = gradient_count;  // periodic restart
  } while (unchanged != n || last_reset != gradient_count);

  if (options.trace) {
    *options.trace << detail::printf_value("final  value %f \n", best);
    if (iteration < options.maxit)
      *options.trace << "converged\n";
    else
      *options.trace << "stopped after " << iteration << " iterations\n";
  }
  result.x = b;
  result.value = best;
  result.iterations = iteration;
  result.function_count = function_count;
  result.gradient_count = gradient_count;
  result.converged = iteration < options.maxit;
  return result;
}

}  // namespace lecon::nnet
