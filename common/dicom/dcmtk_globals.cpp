#include "common/dicom/dcmtk_globals.h"

#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcobject.h>
#include <dcmtk/dcmdata/dcvr.h>
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
  // The dataset pre-scan (dataset_scanner.h) decides "sequence or not" as DCMTK does with
  // these settings; pin them so nothing else in the process can change what DCMTK parses.
  dcmEnableUnknownVRConversion.set(OFFalse);
  dcmPreferVRFromDataDictionary.set(OFFalse);
  dcmPreferLengthFieldSizeFromDataDictionary.set(OFFalse);
  dcmReadImplPrivAttribMaxLengthAsSQ.set(OFFalse);
  dcmConvertUndefinedLengthOBOWtoSQ.set(OFFalse);
  dcmConvertVOILUTSequenceOWtoSQ.set(OFFalse);
  dcmAcceptUnexpectedImplicitEncoding.set(OFFalse);
  dcmIgnoreParsingErrors.set(OFFalse);
  dcmEnableCP246Support.set(OFTrue);
}

}  // namespace gateway::dicom
