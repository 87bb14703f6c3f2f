// imdictl: the command-line client of the IMDi statistics and award
// services. `imdictl help` lists the commands; cli.h has the table.
#include <string>
#include <vector>

#include "tools/imdictl/cli.h"

int main(int argc, char** argv) {
  return imdi::imdictl::Run(std::vector<std::string>(argv, argv + argc));
}
