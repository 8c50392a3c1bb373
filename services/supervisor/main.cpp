#include "services/supervisor/commands.h"

int main(int argc, char** argv) { return gateway::supervisor::runMain(argc, argv); }
