// The ExportFigures stream: a request decoded into an ExportQuery, the
// export rendered by FiguresExport (stats-service/domain/export.h) and sent
// in chunks of at most kExportChunkBytes, the last with the summary.
#ifndef IMDI_STATS_SERVICE_FIGURES_EXPORTER_H_
#define IMDI_STATS_SERVICE_FIGURES_EXPORTER_H_

#include <cstddef>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "common/rpc_scope.h"
#include "imdi/stats/v1/stats.pb.h"
#include "stats-service/domain/export.h"
#include "stats-service/domain/stats_core.h"

namespace imdi::stats {

// Bytes of export data per message at most.
inline constexpr size_t kExportChunkBytes = size_t{64} << 10;

// The query of a request; INVALID_ARGUMENT with every bad field.
absl::StatusOr<ExportQuery> DecodeExportRequest(const v1::ExportFiguresRequest& request);

// Makes the reactor of one ExportFigures call; it deletes itself when done.
// `core` must outlive it.
grpc::ServerWriteReactor<grpc::ByteBuffer>* NewFiguresExporter(
    grpc::CallbackServerContext* context, const StatsCore* core, const CallPolicy& policy,
    const grpc::ByteBuffer& raw_request);

}  // namespace imdi::stats

#endif  // IMDI_STATS_SERVICE_FIGURES_EXPORTER_H_
