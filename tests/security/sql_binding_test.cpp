// Reads the sources under src/ and checks that no SQL text can carry a
// value: every value reaches SQLite as a bound parameter.
//
// The check is sound for the SQLite store as written, because SQL reaches
// SQLite only through two calls, sqlite3_prepare_v3 (in the SqliteStatement
// constructor) and sqlite3_exec, and the test finds every use of both:
// - only src/store/ may use the SQLite API, and none of SQLite's own string
//   formatting (sqlite3_mprintf and relatives) or sqlite3_get_table;
// - sqlite3_prepare* may appear only in the SqliteStatement constructor;
// - every SqliteStatement construction, every call of a connection's
//   prepare() and exec() and every sqlite3_exec() call gets its SQL argument
//   checked. It must be string literals, or fmt::format of a literal with
//   arguments that are column-list constants of the same file (names and
//   commas only), or an entry of kReviewedArguments below, each with the
//   reason it contains no value;
// - any other use of SqliteStatement, prepare() or exec() fails the test, so
//   a new way to hand SQL over must be added here before it can be used.
// NOTE: a PostgreSQL store would need its own sinks (pqxx exec, prepare)
// added to this scan.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;

struct ReviewedArgument {
  std::string file;        // file name under src/store
  std::string expression;  // the argument, spaces collapsed
  std::string reason;
};

const std::vector<ReviewedArgument> kReviewedArguments = {
    {"sqlite_store.cpp", "std::string(migrations[next])",
     "the migration scripts, string literals only (MigrationsAreLiterals checks them)"},
    {"sqlite_store.cpp", "fmt::format(\"PRAGMA user_version = {}\", next + 1)",
     "the schema version, a std::size_t loop counter; PRAGMA takes no bound parameters"},
    {"sqlite_connection.cpp", "sql.c_str()",
     "inside SqliteConnection::exec(), whose callers are each checked"},
    {"sqlite_connection.cpp", "sql",
     "inside SqliteConnection::prepare(), whose callers are each checked"},
    {"sqlite_statement.cpp", "sql.data()",
     "inside the SqliteStatement constructor, whose callers are each checked"},
};

struct Source {
  std::string name;  // file name, for messages
  std::string code;  // comments replaced by spaces
};

bool is_identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// Returns the position after the string or character literal starting at
// `pos`, or npos when none starts there. Handles raw strings R"d(...)d".
std::size_t literal_end(const std::string& code, std::size_t pos) {
  if (code.compare(pos, 2, "R\"") == 0 && (pos == 0 || !is_identifier_char(code[pos - 1]))) {
    const std::size_t open = code.find('(', pos);
    const std::string closing = ")" + code.substr(pos + 2, open - pos - 2) + "\"";
    return code.find(closing, open) + closing.size();
  }
  const char quote = code[pos];
  if (quote != '"' && quote != '\'') {
    return std::string::npos;
  }
  std::size_t i = pos + 1;
  while (i < code.size() && code[i] != quote) {
    i += code[i] == '\\' ? 2 : 1;
  }
  return i + 1;
}

std::string without_comments(const std::string& text) {
  std::string code = text;
  std::size_t i = 0;
  while (i < code.size()) {
    if (const std::size_t end = literal_end(code, i); end != std::string::npos) {
      i = end;
    } else if (code.compare(i, 2, "//") == 0) {
      const std::size_t end_of_line = code.find('\n', i);
      code.replace(i, end_of_line - i, end_of_line - i, ' ');
      i = end_of_line;
    } else if (code.compare(i, 2, "/*") == 0) {
      const std::size_t close = code.find("*/", i) + 2;
      code.replace(i, close - i, close - i, ' ');
      i = close;
    } else {
      ++i;
    }
  }
  return code;
}

std::vector<Source> sources_under(const fs::path& folder) {
  std::vector<Source> sources;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    const auto extension = entry.path().extension();
    if (extension != ".cpp" && extension != ".hpp" && extension != ".inc" && extension != ".in") {
      continue;
    }
    std::ifstream file(entry.path(), std::ios::binary);
    std::stringstream text;
    text << file.rdbuf();
    sources.push_back(
        Source{entry.path().lexically_relative(folder).string(), without_comments(text.str())});
  }
  return sources;
}

std::string collapse_spaces(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      if (!out.empty() && out.back() != ' ') {
        out += ' ';
      }
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out;
}

// Splits the arguments of the call or braced list whose opening bracket is
// at `open` at the commas outside brackets and literals.
std::vector<std::string> call_arguments(const std::string& code, std::size_t open) {
  std::vector<std::string> arguments(1);
  int depth = 0;
  for (std::size_t i = open + 1; i < code.size(); ++i) {
    if (const std::size_t end = literal_end(code, i); end != std::string::npos) {
      arguments.back() += code.substr(i, end - i);
      i = end - 1;
      continue;
    }
    const char c = code[i];
    if (depth == 0 && (c == ')' || c == '}' || c == ']')) {
      break;
    }
    if (depth == 0 && c == ',') {
      arguments.emplace_back();
      continue;
    }
    depth += (c == '(' || c == '{' || c == '[') ? 1 : (c == ')' || c == '}' || c == ']') ? -1 : 0;
    arguments.back() += c;
  }
  for (std::string& argument : arguments) {
    argument = collapse_spaces(argument);
  }
  return arguments;
}

bool is_literal_only(const std::string& expression) {
  if (expression.empty()) {
    return false;
  }
  for (std::size_t i = 0; i < expression.size();) {
    if (const std::size_t end = literal_end(expression, i); end != std::string::npos) {
      i = end;
    } else if (expression[i] == ' ') {
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

// Finds `const char* kNameColumns = "a, b" "c";` constants whose text is
// column names and commas only.
std::map<std::string, std::string> column_lists(const std::string& code) {
  std::map<std::string, std::string> lists;
  const std::regex definition(R"re(const char\* (k\w+Columns) =\s*((?:"[^"]*"\s*)+);)re");
  for (std::sregex_iterator it(code.begin(), code.end(), definition), end; it != end; ++it) {
    std::string text;
    const std::string literals = (*it)[2];
    for (std::size_t i = 0; i < literals.size(); ++i) {
      if (literals[i] == '"') {
        const std::size_t close = literals.find('"', i + 1);
        text += literals.substr(i + 1, close - i - 1);
        i = close;
      }
    }
    if (std::regex_match(text, std::regex(R"([a-z_]+(, [a-z_]+)*,? ?)"))) {
      lists[(*it)[1]] = text;
    }
  }
  return lists;
}

bool is_reviewed(const Source& source, const std::string& expression) {
  for (const ReviewedArgument& reviewed : kReviewedArguments) {
    if (reviewed.file == source.name && reviewed.expression == expression) {
      return true;
    }
  }
  return false;
}

// Returns why `expression`, given as SQL text, may carry a value, or "".
std::string sql_problem(const Source& source, const std::string& expression) {
  if (is_literal_only(expression) || is_reviewed(source, expression)) {
    return "";
  }
  const std::string format_call = "fmt::format(";
  if (expression.starts_with(format_call) && expression.back() == ')') {
    const auto arguments = call_arguments(expression, format_call.size() - 1);
    const auto columns = column_lists(source.code);
    bool is_safe = is_literal_only(arguments.front());
    for (std::size_t i = 1; i < arguments.size(); ++i) {
      is_safe = is_safe && columns.contains(arguments[i]);
    }
    if (is_safe) {
      return "";
    }
  }
  return source.name + ": SQL built from '" + expression +
         "'; bind values with '?' and SqliteStatement::bind";
}

fs::path source_root() { return fs::path(COUNTRYHUB_SOURCE_DIR); }

TEST(SqlBinding, OnlyTheStoreUsesSqlite) {
  for (const Source& source : sources_under(source_root())) {
    if (source.name.starts_with("store/")) {
      continue;
    }
    EXPECT_EQ(source.code.find("sqlite3"), std::string::npos) << source.name;
  }
}

TEST(SqlBinding, NoSqliteStringFormatting) {
  for (const Source& source : sources_under(source_root())) {
    for (const char* call : {"sqlite3_mprintf", "sqlite3_vmprintf", "sqlite3_snprintf",
                             "sqlite3_vsnprintf", "sqlite3_str_", "sqlite3_get_table"}) {
      EXPECT_EQ(source.code.find(call), std::string::npos) << source.name << " uses " << call;
    }
  }
}

TEST(SqlBinding, PrepareOnlyInTheStatementConstructor) {
  for (const Source& source : sources_under(source_root())) {
    const std::size_t first = source.code.find("sqlite3_prepare");
    if (first == std::string::npos) {
      continue;
    }
    EXPECT_EQ(source.name, "store/sqlite_statement.cpp");
    EXPECT_EQ(source.code.find("sqlite3_prepare", first + 1), std::string::npos) << source.name;
    const auto arguments = call_arguments(source.code, source.code.find('(', first));
    ASSERT_GE(arguments.size(), 2u);
    EXPECT_EQ(arguments[1], "sql.data()");
  }
}

TEST(SqlBinding, EverySqlTextIsConstant) {
  int checked = 0;
  for (Source source : sources_under(source_root() / "store")) {
    source.name = fs::path(source.name).filename().string();
    const std::string& code = source.code;
    // Each use of a name that hands SQL over: the statement type, a
    // connection's prepare() and exec(), and sqlite3_exec().
    const std::regex sink(
        R"re(\bSqliteStatement\b|(?:^|[^\w])exec\s*\(|\bsqlite3_exec\s*\(|\bprepare\s*\()re");
    for (std::sregex_iterator it(code.begin(), code.end(), sink), end; it != end; ++it) {
      const std::size_t at = static_cast<std::size_t>(it->position());
      const std::string rest = code.substr(at, 80);
      std::smatch shape;
      std::size_t open = std::string::npos;
      std::size_t sql_index = 0;
      const std::string before = code.substr(at >= 7 ? at - 7 : 0, at >= 7 ? 7 : at);
      if (before.ends_with("unique<") &&
          std::regex_search(rest, shape, std::regex(R"(^SqliteStatement>\s*\()"))) {
        open = at + shape.length() - 1;  // std::make_unique<SqliteStatement>(db, sql)
        sql_index = 1;
      } else if (std::regex_search(rest, shape, std::regex(R"(^SqliteStatement(::|\s*[&*>)]))")) ||
          before.ends_with("~") || before.ends_with("class ")) {
        continue;  // the class's own definitions and references to it
      } else if (std::regex_search(rest, shape, std::regex(R"(^SqliteStatement\s+\w+\s*[({])"))) {
        open = at + shape.length() - 1;
        sql_index = 1;
      } else if (std::regex_search(rest, shape, std::regex(R"(^SqliteStatement\s*\()"))) {
        open = at + shape.length() - 1;
        sql_index = 1;
        const std::string first = call_arguments(code, open).front();
        if (first.starts_with("sqlite3* ") || first.starts_with("const SqliteStatement&")) {
          continue;  // a constructor's declaration, not a construction
        }
      } else if (std::regex_search(rest, shape, std::regex(R"(^sqlite3_exec\s*\()"))) {
        open = at + shape.length() - 1;
        sql_index = 1;
      } else if (std::regex_search(rest, shape, std::regex(R"(^prepare\s*\()"))) {
        open = at + shape.length() - 1;
        if (call_arguments(code, open).front().starts_with("std::string_view ")) {
          continue;  // the method's declaration and definition; its callers are the sinks
        }
      } else if (std::regex_search(rest, shape, std::regex(R"(^\W?exec\s*\()"))) {
        open = at + shape.length() - 1;
        if (call_arguments(code, open).front().starts_with("const std::string& ")) {
          continue;  // the method's declaration and definition; its callers are the sinks
        }
      } else {
        ADD_FAILURE() << source.name << ": unrecognized use of an SQL sink: " << rest;
        continue;
      }
      const auto arguments = call_arguments(code, open);
      ASSERT_GT(arguments.size(), sql_index) << source.name << ": " << rest;
      EXPECT_EQ(sql_problem(source, arguments[sql_index]), "");
      ++checked;
    }
  }
  // The store has about thirty statements; far fewer means the scan broke.
  EXPECT_GT(checked, 25);
}

TEST(SqlBinding, MigrationsAreLiterals) {
  for (const Source& source : sources_under(source_root() / "store")) {
    if (!source.name.ends_with("migrations.cpp")) {
      continue;
    }
    const std::size_t start = source.code.find("kSqliteMigrations = {");
    ASSERT_NE(start, std::string::npos);
    const std::size_t open = source.code.find('{', start);
    for (const std::string& item : call_arguments(source.code, open)) {
      EXPECT_TRUE(item.empty() || is_literal_only(item)) << item.substr(0, 80);
    }
  }
}

TEST(SqlBinding, ScanRejectsBuiltSql) {
  // The checker itself, on examples of what it must catch and let pass.
  const Source source{"example.cpp",
                      "const char* kAccountColumns = \"id, email\";\n"
                      "const char* kBad = \"id; DROP TABLE accounts\";"};
  EXPECT_EQ(sql_problem(source, "\"SELECT 1 FROM t WHERE a = ?\""), "");
  EXPECT_EQ(sql_problem(source, "R\"sql(SELECT 1)sql\" \" FROM t\""), "");
  EXPECT_EQ(sql_problem(source, "fmt::format(\"SELECT {} FROM a\", kAccountColumns)"), "");
  EXPECT_NE(sql_problem(source, "fmt::format(\"SELECT {} FROM a\", kBad)"), "");
  EXPECT_NE(sql_problem(source, "fmt::format(\"SELECT 1 WHERE e = '{}'\", email)"), "");
  EXPECT_NE(sql_problem(source, "\"SELECT 1 WHERE e = '\" + email + \"'\""), "");
  EXPECT_NE(sql_problem(source, "std::string(\"DELETE FROM a WHERE id = \") + id"), "");
  EXPECT_NE(sql_problem(source, "query"), "");
}

}  // namespace
