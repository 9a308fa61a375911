#pragma once

#include "billing/error.hpp"
#include "http/api_error.hpp"
#include "spotify/hub_client.hpp"

namespace countryhub::http {

// Turns a billing failure into the client's error. A store failure becomes
// internal_error with a generic message; its detail goes to the log only.
ApiFailure from_billing(const billing::BillingError& error);

// Turns an upstream failure into its 502 with `data.stage`.
ApiFailure from_upstream(const spotify::FetchFailure& failure);

}  // namespace countryhub::http
