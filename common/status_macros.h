// Small helpers for absl::Status propagation. Abseil 20220623 ships no
// ABSL_RETURN_IF_ERROR, so the project keeps its own two macros here.
#ifndef IMDI_COMMON_STATUS_MACROS_H_
#define IMDI_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define IMDI_CONCAT_INNER_(a, b) a##b
#define IMDI_CONCAT_(a, b) IMDI_CONCAT_INNER_(a, b)

// Returns from the current function when `expr` is not OK.
#define IMDI_RETURN_IF_ERROR(expr)                 \
  do {                                             \
    ::absl::Status imdi_status_ = (expr);          \
    if (!imdi_status_.ok()) return imdi_status_;   \
  } while (false)

// Evaluates `rexpr` (a StatusOr), returns its status when not OK, otherwise
// moves its value into `lhs` (which may be a declaration).
#define IMDI_ASSIGN_OR_RETURN(lhs, rexpr) \
  IMDI_ASSIGN_OR_RETURN_IMPL_(IMDI_CONCAT_(imdi_statusor_, __LINE__), lhs, rexpr)

#define IMDI_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // IMDI_COMMON_STATUS_MACROS_H_
