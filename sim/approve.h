#pragma once
/// `jirasim approve`: plays the user in a browser — opens the authorization
/// URL, logs in, consents (or denies) — and returns the URL the browser would
/// be sent back to, without following it.

#include <string>

#include "common/error.h"

namespace jirasim {

jirasql::Result<std::string> Approve(const std::string& authorize_url, const std::string& email,
                                     const std::string& password, const std::string& site, bool deny);

}  // namespace jirasim
