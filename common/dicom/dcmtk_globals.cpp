#include "common/dicom/dcmtk_globals.h"

#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmnet/dcmtrans.h>
#include <dcmtk/dcmnet/dul.h>

#include <stdexcept>

namespace gateway::dicom {

void configureDcmtkGlobals(const config::NetworkSettings& network) {
  if (!dcmDataDict.isDictionaryLoaded()) {
    throw std::runtime_error(
        "DCMTK's data dictionary is not loaded (set DCMDICTPATH or install the dcmtk "
        "runtime package)");
  }
  dcmDisableGethostbyaddr.set(OFTrue);
  const auto seconds = static_cast<Sint32>(network.dimse_timeout.count());
  dcmSocketReceiveTimeout.set(seconds);
  dcmSocketSendTimeout.set(seconds);
  dcmAssociatePDUSizeLimit.set(kMaxAssociateRequestBytes);
}

}  // namespace gateway::dicom
