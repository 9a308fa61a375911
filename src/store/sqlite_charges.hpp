#pragma once

#include <span>
#include <vector>

#include "store/sqlite_connection.hpp"
#include "store/store.hpp"

namespace countryhub::store {

// Applies `charges` in order inside the caller's write transaction on
// `connection`: each is checked against its ceilings with the totals the
// earlier charges of the batch left, then all accepted charges of one account
// and day are added with a single row update. Throws SqliteError.
std::vector<ChargeOutcome> apply_charges(SqliteConnection& connection,
                                         std::span<const ChargeRequest> charges);

// Returns the credits of the account in `month` (YYYY-MM) or on `day`
// (YYYY-MM-DD). Throws SqliteError.
std::int64_t read_month_credits(SqliteConnection& connection, std::int64_t account_id,
                                std::string_view month);
std::int64_t read_day_credits(SqliteConnection& connection, std::int64_t account_id,
                              std::string_view day);

}  // namespace countryhub::store
