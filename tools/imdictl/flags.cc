#include "tools/imdictl/flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, config, "",
          "imdictl's config file (key = value lines); default $IMDICTL_CONFIG, then "
          "~/.config/imdictl/config.");
ABSL_FLAG(std::string, target, "127.0.0.1:50051",
          "The stats-service address, HOST:PORT (env IMDI_STATS, config key stats).");
ABSL_FLAG(std::string, award_target, "127.0.0.1:50052",
          "The award-service address, HOST:PORT (env IMDI_AWARD, config key award).");
ABSL_FLAG(std::string, token_file, "",
          "File holding the bearer token to call with (env IMDI_TOKEN_FILE).");
ABSL_FLAG(std::string, tls_ca, "",
          "PEM CA of the services' certificates; connect over TLS (env IMDI_TLS_CA).");
ABSL_FLAG(std::string, tls_cert, "", "PEM client certificate, mutual TLS (env IMDI_TLS_CERT).");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert (env IMDI_TLS_KEY).");
ABSL_FLAG(std::string, tls_server_name, "",
          "Name to verify the server's certificate against, when it differs from the target's "
          "host (env IMDI_TLS_SERVER_NAME).");
ABSL_FLAG(std::string, actor, "",
          "The x-actor to call as; honoured by services in development mode only (env "
          "IMDI_ACTOR).");
ABSL_FLAG(std::string, output, "human",
          "human (tables) or json (the API's replies, one JSON document per call; env "
          "IMDICTL_OUTPUT).");
ABSL_FLAG(int, timeout_seconds, 300, "Deadline of each call (env IMDI_TIMEOUT_SECONDS).");

ABSL_FLAG(std::string, data_root, "",
          "Directory of the bundled data; default ./data when it holds the file, else "
          "/usr/share/imdi/data (the container image's).");
ABSL_FLAG(std::string, klass, "",
          "Statistics Norway's municipality code history (municipalities load); default "
          "klass/kommuner-1994-2024.csv of the bundled data.");
ABSL_FLAG(std::string, regions, "",
          "IMDi's municipality list with regions (municipalities load); default "
          "regions/kommuner.json of the bundled data.");
ABSL_FLAG(std::string, status, "final",
          "Status to record on imported figures: final, preliminary or unspecified.");
ABSL_FLAG(int, batch, 5000, "Records per ImportFigures message (one atomic write each), 1 to 5000.");
ABSL_FLAG(std::string, known_date, "",
          "The date the imported figures were published or known, YYYY-MM-DD, for every file; "
          "empty: the date of the import.");
ABSL_FLAG(bool, known_date_from_name, false,
          "Take each file's known date from the end of its name, -YYMMDD (...-160212.csv is "
          "2016-02-12); excludes --known_date.");
ABSL_FLAG(int64_t, max_errors, 50, "Rejected rows to list per file.");
ABSL_FLAG(std::string, filter, "",
          "AIP-160 filter, e.g. 'year = 2016 AND imdi_region = \"NORD\"'.");
ABSL_FLAG(int64_t, since, 0,
          "figures watch: changes committed after this data version (0: every change).");
ABSL_FLAG(int64_t, count, 0, "figures watch: stop after this many changes; 0: no limit.");
ABSL_FLAG(int64_t, until_version, 0,
          "figures watch: stop once every change up to this data version was printed; "
          "0: no limit.");
ABSL_FLAG(int64_t, as_of_version, 0, "Read as of this data version; 0 reads the latest.");
ABSL_FLAG(std::string, as_of_known_date, "",
          "Read what was known on this date (YYYY-MM-DD); empty reads what is known now.");
ABSL_FLAG(std::string, format, "",
          "figures export: csv (the format imdictl import reads back) or jsonstat (JSON-stat "
          "2.0), rendered by the service; empty: the older per-record CSV or JSON lines. "
          "cycle results: csv. cycle announcement: markdown (default) or html.");
ABSL_FLAG(std::string, kind, "",
          "cycle announcement: nominees (the nominees' announcement) or winner (the winner's).");
ABSL_FLAG(std::string, year, "",
          "figures export --format: years, e.g. 2015 or 2015,2016, or a range 2012-2017.");
ABSL_FLAG(std::string, municipalities, "",
          "figures export --format: only these municipalities (codes, comma-separated).");
ABSL_FLAG(std::string, language, "nb", "figures export --format=jsonstat: labels in nb or en.");
ABSL_FLAG(std::string, out, "", "Write to this file instead of standard output.");
ABSL_FLAG(bool, sources, false, "Show where each figure comes from: file, line, data version "
                                "and the date it was known.");

ABSL_FLAG(std::string, service, "", "The service whose backups to work on: stats or award.");
ABSL_FLAG(int64_t, backup_id, 0, "A backup's id (imdictl backup list shows them).");

ABSL_FLAG(std::string, cycle, "", "The award cycle, e.g. 2016.");
ABSL_FLAG(std::string, cycle_id, "", "Identifier of the cycle to create (create-cycle).");
ABSL_FLAG(std::string, etag, "",
          "The current etag of the cycle or nomination; the change is refused if it is stale.");
ABSL_FLAG(std::string, nomination, "", "A nomination: its id, or its municipality's code or name.");
ABSL_FLAG(std::string, juror, "", "A juror's id.");
ABSL_FLAG(std::string, name, "", "A juror's display name.");
ABSL_FLAG(bool, chair, false, "The juror chairs the jury.");
ABSL_FLAG(std::string, criterion, "", "An assessed criterion's name.");
ABSL_FLAG(bool, reject, false, "Reject the claim instead of confirming it.");
ABSL_FLAG(std::string, note, "", "The jury's note on an assessment.");
ABSL_FLAG(std::string, reason, "",
          "Why: a conflict, a cancellation or a vote correction (for the audit trail).");
ABSL_FLAG(std::string, chair_choice, "",
          "The chair's choice among candidates still tied after every tie-break rule.");
ABSL_FLAG(std::string, date, "",
          "The date the winner is announced, YYYY-MM-DD; default the schedule's.");
ABSL_FLAG(std::string, event, "", "The event where the winner is announced.");
ABSL_FLAG(bool, replace_history_row, false,
          "Replace a winners-history row for the year that names another municipality.");
ABSL_FLAG(std::string, municipality, "", "Any code the municipality ever had.");
ABSL_FLAG(std::string, region, "",
          "An IMDi region: OST, INDRE_OST, SOR, VEST, MIDT_NORGE or NORD.");
ABSL_FLAG(std::string, nominator, "", "The nominating office's or person's name.");
ABSL_FLAG(std::string, justification, "", "Why the municipality deserves the prize.");
ABSL_FLAG(std::string, override_reason, "",
          "Why a municipality that does not meet the requirement is nominated anyway.");
ABSL_FLAG(bool, show_withdrawn, false, "Include withdrawn nominations.");
ABSL_FLAG(bool, details, false,
          "Show each nomination's verdict with every criterion and its explanation.");
ABSL_FLAG(int64_t, votes, -1,
          "Votes: to add (votes record) or the corrected total; required without a CSV file.");
ABSL_FLAG(int, from_year, 2008, "First award year to load (winners load).");
ABSL_FLAG(int, to_year, 2100, "Last award year to load (winners load).");
// Nomination documents.
ABSL_FLAG(std::string, media_type, "",
          "nomination document upload: the document's media type; by default from the file "
          "name (.pdf: application/pdf).");
ABSL_FLAG(std::string, sha256, "", "nomination document download: the document's SHA-256.");
