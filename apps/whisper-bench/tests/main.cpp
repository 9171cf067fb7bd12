// The bench's unit tests: the sans-IO parts, tested with bytes alone.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
