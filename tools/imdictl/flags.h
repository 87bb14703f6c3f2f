// imdictl's flags. They are Abseil flags, but imdictl parses the command
// line itself (cli.h): each command accepts only the flags it declares, so
// one defined here is not accepted everywhere.
#ifndef IMDI_TOOLS_IMDICTL_FLAGS_H_
#define IMDI_TOOLS_IMDICTL_FLAGS_H_

#include <cstdint>
#include <string>

#include "absl/flags/declare.h"

// Connection, credentials and output (settings.h resolves them with the
// environment and the config file).
ABSL_DECLARE_FLAG(std::string, config);
ABSL_DECLARE_FLAG(std::string, service);
ABSL_DECLARE_FLAG(int64_t, backup_id);
ABSL_DECLARE_FLAG(std::string, target);
ABSL_DECLARE_FLAG(std::string, award_target);
ABSL_DECLARE_FLAG(std::string, token_file);
ABSL_DECLARE_FLAG(std::string, tls_ca);
ABSL_DECLARE_FLAG(std::string, tls_cert);
ABSL_DECLARE_FLAG(std::string, tls_key);
ABSL_DECLARE_FLAG(std::string, tls_server_name);
ABSL_DECLARE_FLAG(std::string, actor);
ABSL_DECLARE_FLAG(std::string, output);
ABSL_DECLARE_FLAG(int, timeout_seconds);

// Statistics.
ABSL_DECLARE_FLAG(std::string, data_root);
ABSL_DECLARE_FLAG(std::string, klass);
ABSL_DECLARE_FLAG(std::string, regions);
ABSL_DECLARE_FLAG(std::string, status);
ABSL_DECLARE_FLAG(int, batch);
ABSL_DECLARE_FLAG(std::string, known_date);
ABSL_DECLARE_FLAG(bool, known_date_from_name);
ABSL_DECLARE_FLAG(int64_t, max_errors);
ABSL_DECLARE_FLAG(std::string, filter);
ABSL_DECLARE_FLAG(int64_t, as_of_version);
ABSL_DECLARE_FLAG(std::string, as_of_known_date);
ABSL_DECLARE_FLAG(bool, sources);
ABSL_DECLARE_FLAG(std::string, format);
ABSL_DECLARE_FLAG(std::string, kind);
ABSL_DECLARE_FLAG(std::string, year);
ABSL_DECLARE_FLAG(std::string, municipalities);
ABSL_DECLARE_FLAG(std::string, language);
ABSL_DECLARE_FLAG(std::string, out);
ABSL_DECLARE_FLAG(int64_t, since);
ABSL_DECLARE_FLAG(int64_t, count);
ABSL_DECLARE_FLAG(int64_t, until_version);

// Award.
ABSL_DECLARE_FLAG(std::string, cycle);
ABSL_DECLARE_FLAG(std::string, cycle_id);
ABSL_DECLARE_FLAG(std::string, etag);
ABSL_DECLARE_FLAG(std::string, nomination);
ABSL_DECLARE_FLAG(std::string, juror);
ABSL_DECLARE_FLAG(std::string, name);
ABSL_DECLARE_FLAG(bool, chair);
ABSL_DECLARE_FLAG(std::string, criterion);
ABSL_DECLARE_FLAG(bool, reject);
ABSL_DECLARE_FLAG(std::string, note);
ABSL_DECLARE_FLAG(std::string, reason);
ABSL_DECLARE_FLAG(std::string, chair_choice);
ABSL_DECLARE_FLAG(std::string, date);
ABSL_DECLARE_FLAG(std::string, event);
ABSL_DECLARE_FLAG(bool, replace_history_row);
ABSL_DECLARE_FLAG(std::string, municipality);
ABSL_DECLARE_FLAG(std::string, region);
ABSL_DECLARE_FLAG(std::string, nominator);
ABSL_DECLARE_FLAG(std::string, justification);
ABSL_DECLARE_FLAG(std::string, override_reason);
ABSL_DECLARE_FLAG(bool, show_withdrawn);
ABSL_DECLARE_FLAG(bool, details);
ABSL_DECLARE_FLAG(int64_t, votes);
ABSL_DECLARE_FLAG(int, from_year);
ABSL_DECLARE_FLAG(int, to_year);
// Nomination documents.
ABSL_DECLARE_FLAG(std::string, media_type);
ABSL_DECLARE_FLAG(std::string, sha256);

#endif  // IMDI_TOOLS_IMDICTL_FLAGS_H_
