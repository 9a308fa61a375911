#pragma once

#include <cstdint>
#include <string>

#include <boost/system/result.hpp>

namespace countryhub::billing {

enum class Error {
  kMissingKey,        // the request carries no API key
  kInvalidKey,        // malformed, unknown, or a rotated key past its grace period
  kKeyRevoked,        // the key was revoked
  kAccountDisabled,   // the key's account is disabled
  kRateLimited,       // the plan's requests per minute are used up
  kDailyCapReached,   // the plan's daily credit cap is reached
  kCreditsExhausted,  // included credits are spent and overage is not allowed
  kUnknownAccount,    // no account has the given email
  kUnknownKey,        // no key has the given id or prefix
  kInvalidArgument,   // a management command got a bad plan, email or duration
  kAlreadyExists,     // an account with that email exists
  kStoreFailed,       // the store failed; the caller must not serve or charge
};

struct BillingError {
  Error kind;
  std::string message;                   // for the response `msg` or the command line
  std::int64_t retry_after_seconds = 0;  // for limits: when the next request can pass
};

[[noreturn]] void throw_exception_from_error(const BillingError& error,
                                             const boost::source_location& location);

template <class T>
using Result = boost::system::result<T, BillingError>;

}  // namespace countryhub::billing
