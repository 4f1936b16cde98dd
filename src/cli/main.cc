#include "cli/app.h"

int main(int argc, char** argv) { return jirasql::RunCli(argc, argv); }
