#include "store/sqlite_charges.hpp"

#include <map>
#include <string>
#include <tuple>
#include <utility>

namespace countryhub::store {
namespace {

using AccountPeriod = std::pair<std::int64_t, std::string>;

// Totals of the accounts a batch touches: read from the table once, then
// kept current in memory as the batch's charges are accepted.
class BatchTotals {
 public:
  explicit BatchTotals(SqliteConnection& connection) : connection_(connection) {}

  std::int64_t& month(std::int64_t account_id, const std::string& month) {
    auto [entry, is_new] = months_.try_emplace(AccountPeriod{account_id, month}, 0);
    if (is_new) {
      entry->second = read_month_credits(connection_, account_id, month);
    }
    return entry->second;
  }

  std::int64_t& day(std::int64_t account_id, const std::string& day) {
    auto [entry, is_new] = days_.try_emplace(AccountPeriod{account_id, day}, 0);
    if (is_new) {
      entry->second = read_day_credits(connection_, account_id, day);
    }
    return entry->second;
  }

 private:
  SqliteConnection& connection_;
  std::map<AccountPeriod, std::int64_t> months_;
  std::map<AccountPeriod, std::int64_t> days_;
};

struct DayAddition {
  std::int64_t credits = 0;
  std::int64_t requests = 0;
};

ChargeOutcome check_ceilings(BatchTotals& totals, const ChargeRequest& request) {
  if (request.max_month_credits >= 0 &&
      totals.month(request.account_id, request.month) + request.credits >
          request.max_month_credits) {
    return ChargeOutcome::kOverMonthLimit;
  }
  if (request.max_day_credits >= 0 &&
      totals.day(request.account_id, request.day) + request.credits > request.max_day_credits) {
    return ChargeOutcome::kOverDayLimit;
  }
  return ChargeOutcome::kCharged;
}

void store_response(SqliteConnection& connection, std::int64_t account_id,
                    const IdempotentResponse& response) {
  auto insert = connection.prepare(
      "INSERT OR REPLACE INTO idempotent_responses (account_id, idempotency_key, created_at_ms, "
      "status, headers, body) VALUES (?, ?, ?, ?, ?, ?)");
  insert->bind(1, account_id)
      .bind(2, response.idempotency_key)
      .bind(3, response.created_at_ms)
      .bind(4, std::int64_t{response.status})
      .bind(5, response.headers)
      .bind(6, response.body);
  insert->step();
}

void add_to_day(SqliteConnection& connection, std::int64_t account_id, const std::string& day,
                const std::string& month, const DayAddition& addition) {
  auto upsert = connection.prepare(
      "INSERT INTO usage_daily (account_id, day, month, credits, requests) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (account_id, day) DO UPDATE SET credits = credits + excluded.credits, "
      "requests = requests + excluded.requests");
  upsert->bind(1, account_id)
      .bind(2, day)
      .bind(3, month)
      .bind(4, addition.credits)
      .bind(5, addition.requests);
  upsert->step();
}

}  // namespace

std::vector<ChargeOutcome> apply_charges(SqliteConnection& connection,
                                         std::span<const ChargeRequest> charges) {
  BatchTotals totals(connection);
  // Keyed by account, day and month, so one upsert carries a day's charges.
  std::map<std::tuple<std::int64_t, std::string, std::string>, DayAddition> additions;
  std::vector<ChargeOutcome> outcomes;
  outcomes.reserve(charges.size());
  for (const ChargeRequest& request : charges) {
    const ChargeOutcome outcome = check_ceilings(totals, request);
    outcomes.push_back(outcome);
    if (outcome != ChargeOutcome::kCharged) {
      continue;
    }
    totals.month(request.account_id, request.month) += request.credits;
    totals.day(request.account_id, request.day) += request.credits;
    DayAddition& addition = additions[{request.account_id, request.day, request.month}];
    addition.credits += request.credits;
    addition.requests += 1;
    if (request.response) {
      store_response(connection, request.account_id, *request.response);
    }
  }
  for (const auto& [period, addition] : additions) {
    add_to_day(connection, std::get<0>(period), std::get<1>(period), std::get<2>(period),
               addition);
  }
  return outcomes;
}

std::int64_t read_month_credits(SqliteConnection& connection, std::int64_t account_id,
                                std::string_view month) {
  auto select = connection.prepare(
      "SELECT COALESCE(SUM(credits), 0) FROM usage_daily WHERE account_id = ? AND month = ?");
  select->bind(1, account_id).bind(2, month);
  select->step();
  return select->column_int(0);
}

std::int64_t read_day_credits(SqliteConnection& connection, std::int64_t account_id,
                              std::string_view day) {
  auto select = connection.prepare(
      "SELECT COALESCE(SUM(credits), 0) FROM usage_daily WHERE account_id = ? AND day = ?");
  select->bind(1, account_id).bind(2, day);
  select->step();
  return select->column_int(0);
}

}  // namespace countryhub::store
