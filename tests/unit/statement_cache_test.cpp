#include "common/db/statement_cache.h"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <string>

namespace gateway::db {
namespace {

TEST(StatementCache, ReusesAStatementResetAndWithoutItsOldBindings) {
  SQLite::Database database(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  database.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)");
  StatementCache cache(database);
  const std::string insert = "INSERT INTO t (name) VALUES (?)";
  SQLite::Statement& first = cache.get(insert);
  first.bind(1, "a");
  first.exec();
  SQLite::Statement& second = cache.get(insert);
  EXPECT_EQ(&first, &second) << "prepared again";
  second.exec();  // bindings cleared: NULL, not "a" a second time (which UNIQUE refuses)
  EXPECT_EQ(database.execAndGet("SELECT COUNT(*) FROM t WHERE name IS NULL").getInt(), 1);
}

TEST(StatementCache, AFailedRunDoesNotFailTheNextUser) {
  SQLite::Database database(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  database.exec("CREATE TABLE t (name TEXT UNIQUE)");
  StatementCache cache(database);
  const std::string insert = "INSERT INTO t (name) VALUES (?)";
  SQLite::Statement& first = cache.get(insert);
  first.bind(1, "same");
  first.exec();
  SQLite::Statement& again = cache.get(insert);
  again.bind(1, "same");
  EXPECT_THROW(again.exec(), SQLite::Exception);  // the constraint, reported once
  SQLite::Statement& next = cache.get(insert);
  next.bind(1, "other");
  EXPECT_NO_THROW(next.exec());
  EXPECT_EQ(database.execAndGet("SELECT COUNT(*) FROM t").getInt(), 2);
}

TEST(StatementCache, StaysWithinItsCapacity) {
  SQLite::Database database(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  StatementCache cache(database, 2);
  cache.get("SELECT 1");
  cache.get("SELECT 2");
  cache.get("SELECT 3");  // over capacity: the cache starts again
  EXPECT_EQ(cache.size(), 1u);
  SQLite::Statement& again = cache.get("SELECT 1");
  ASSERT_TRUE(again.executeStep());
  EXPECT_EQ(again.getColumn(0).getInt(), 1);
}

}  // namespace
}  // namespace gateway::db
