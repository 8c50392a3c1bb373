#include "common/dicom/tls_profile.h"

#include <dcmtk/dcmtls/tlslayer.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>

namespace gateway::dicom {

std::string openSslReason(const char* fallback) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  return reason != nullptr ? reason : fallback;
}

int refuseKeyPassword(char*, int, int, void*) { return 0; }

void applyBcp195Profile(DcmTLSTransportLayer& layer) {
  SSL_CTX* ctx = layer.getNativeHandle();
  if (ctx == nullptr) throw std::runtime_error("cannot create a TLS context: " + openSslReason());
  if (layer.setTLSProfile(TSP_Profile_BCP195_ND).bad() || layer.activateCipherSuites().bad()) {
    throw std::runtime_error("cannot set the BCP 195 TLS profile: " + openSslReason());
  }
  SSL_CTX_set_security_level(ctx, 2);
  // The profile already leaves TLS 1.0/1.1 out; the floor is stated here as well, so no
  // later option can lower it.
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_default_passwd_cb(ctx, &refuseKeyPassword);
}

std::string certificateSubject(x509_st* certificate) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio ||
      X509_NAME_print_ex(bio.get(), X509_get_subject_name(certificate), 0, XN_FLAG_RFC2253) < 0) {
    return {};
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

}  // namespace gateway::dicom
