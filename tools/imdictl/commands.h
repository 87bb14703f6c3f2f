// The handlers of imdictl's commands (cli.h's table names them). Each reads
// its flags and arguments, makes its calls through the Client, prints the
// reply (human or JSON) and returns an exit status (exit_codes.h).
#ifndef IMDI_TOOLS_IMDICTL_COMMANDS_H_
#define IMDI_TOOLS_IMDICTL_COMMANDS_H_

#include <string>
#include <vector>

namespace imdi::imdictl {

class Client;
using Args = std::vector<std::string>;

// Statistics service (stats_commands.cc).
int FiguresGet(Client& client, const Args& args);
int FiguresHistory(Client& client, const Args& args);
int FiguresImport(Client& client, const Args& args);
int FiguresExport(Client& client, const Args& args);
int FiguresWatch(Client& client, const Args& args);
int MunicipalitiesGet(Client& client, const Args& args);
int MunicipalitiesList(Client& client, const Args& args);
int MunicipalitiesLoad(Client& client, const Args& args);
int DataVersion(Client& client, const Args& args);

// Award service, the cycle (cycle_commands.cc).
int CycleCreate(Client& client, const Args& args);
int CycleList(Client& client, const Args& args);
int CycleGet(Client& client, const Args& args);
int CycleStatus(Client& client, const Args& args);
int CycleOpen(Client& client, const Args& args);
int CycleAnnounce(Client& client, const Args& args);
int CycleOpenVoting(Client& client, const Args& args);
int CycleStartJury(Client& client, const Args& args);
int CycleDecide(Client& client, const Args& args);
int CycleAnnounceWinner(Client& client, const Args& args);
int CycleCancel(Client& client, const Args& args);
int CycleArchive(Client& client, const Args& args);
int CycleExport(Client& client, const Args& args);
int CycleResults(Client& client, const Args& args);
int CycleCite(Client& client, const Args& args);
int CycleAnnouncement(Client& client, const Args& args);

// Award service, nominations, jury, votes, winners, audit
// (award_commands.cc).
int NominationSubmit(Client& client, const Args& args);
int NominationList(Client& client, const Args& args);
int NominationWithdraw(Client& client, const Args& args);
// `nomination document upload FILE` and `nomination document download`.
int NominationDocument(Client& client, const Args& args);
int JuryRegister(Client& client, const Args& args);
int JuryConflict(Client& client, const Args& args);
int JuryConfirm(Client& client, const Args& args);
int JuryScores(Client& client, const Args& args);
int VotesRecord(Client& client, const Args& args);
int VotesCorrect(Client& client, const Args& args);
int WinnersList(Client& client, const Args& args);
int WinnersLoad(Client& client, const Args& args);
int AuditList(Client& client, const Args& args);

// Either service's backups, --service=stats|award (backup_commands.cc).
int BackupCreate(Client& client, const Args& args);
int BackupList(Client& client, const Args& args);
int BackupVerify(Client& client, const Args& args);

// No service (cli.cc).
int HashToken(Client& client, const Args& args);
int Completion(Client& client, const Args& args);
int Help(Client& client, const Args& args);

}  // namespace imdi::imdictl

#endif  // IMDI_TOOLS_IMDICTL_COMMANDS_H_
