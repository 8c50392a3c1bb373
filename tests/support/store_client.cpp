#include "tests/support/store_client.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/assoc.h>
#include <dcmtk/dcmnet/diutil.h>

#include <atomic>

namespace gateway::test {

TestScu::TestScu(std::uint16_t port, const std::string& called_aet,
                 const std::string& calling_aet) {
  setAETitle(calling_aet.c_str());
  setPeerHostName("127.0.0.1");
  setPeerPort(port);
  setPeerAETitle(called_aet.c_str());
  setACSETimeout(10);
  setDIMSETimeout(60);
  setDIMSEBlockingMode(DIMSE_NONBLOCKING);
  setMaxReceivePDULength(131072);
}

void TestScu::propose(const std::vector<std::string>& sop_classes,
                      const std::vector<std::string>& transfer_syntaxes) {
  for (const auto& sop_class : sop_classes) {
    for (const auto& ts : transfer_syntaxes) {
      OFList<OFString> list;
      list.push_back(ts.c_str());
      addPresentationContext(sop_class.c_str(), list);
    }
  }
}

OFCondition TestScu::connect() {
  OFCondition cond = initNetwork();
  if (cond.good()) cond = negotiateAssociation();
  return cond;
}

StoreResponse TestScu::store(DcmDataset& dataset, const std::string& command_sop_class,
                             const std::string& command_sop_instance,
                             const std::string& transfer_syntax,
                             const std::string& context_sop_class) {
  StoreResponse out;
  OFString dataset_class;
  OFString dataset_instance;
  dataset.findAndGetOFString(DCM_SOPClassUID, dataset_class);
  dataset.findAndGetOFString(DCM_SOPInstanceUID, dataset_instance);
  const std::string sop_class =
      command_sop_class.empty() ? std::string(dataset_class.c_str()) : command_sop_class;
  const std::string sop_instance =
      command_sop_instance.empty() ? std::string(dataset_instance.c_str()) : command_sop_instance;
  const std::string ts = transfer_syntax.empty()
                             ? std::string(UID_LittleEndianExplicitTransferSyntax)
                             : transfer_syntax;
  const std::string context_class = context_sop_class.empty() ? sop_class : context_sop_class;
  const T_ASC_PresentationContextID pres_id =
      findPresentationContextID(context_class.c_str(), ts.c_str());
  if (pres_id == 0) {
    out.error = "no accepted presentation context for " + context_class + " / " + ts;
    return out;
  }
  T_DIMSE_Message request{};
  request.CommandField = DIMSE_C_STORE_RQ;
  T_DIMSE_C_StoreRQ& rq = request.msg.CStoreRQ;
  static std::atomic<Uint16> message_id{1};
  rq.MessageID = message_id++;
  OFStandard::strlcpy(rq.AffectedSOPClassUID, sop_class.c_str(), sizeof(rq.AffectedSOPClassUID));
  OFStandard::strlcpy(rq.AffectedSOPInstanceUID, sop_instance.c_str(),
                      sizeof(rq.AffectedSOPInstanceUID));
  rq.DataSetType = DIMSE_DATASET_PRESENT;
  rq.Priority = DIMSE_PRIORITY_MEDIUM;
  OFCondition cond = sendDIMSEMessage(pres_id, &request, &dataset);
  if (cond.bad()) {
    out.error = cond.text();
    return out;
  }
  T_DIMSE_Message response{};
  T_ASC_PresentationContextID response_pres = 0;
  DcmDataset* detail = nullptr;
  cond = receiveDIMSECommand(&response_pres, &response, &detail);
  if (cond.bad() || response.CommandField != DIMSE_C_STORE_RSP) {
    out.error = cond.bad() ? cond.text() : "unexpected response";
    delete detail;
    return out;
  }
  out.sent = true;
  out.status = response.msg.CStoreRSP.DimseStatus;
  if (detail != nullptr) {
    OFString comment;
    if (detail->findAndGetOFString(DCM_ErrorComment, comment).good()) {
      out.error_comment = comment.c_str();
    }
    delete detail;
  }
  return out;
}

AssociationAttempt tryAssociation(std::uint16_t port, const std::string& called_aet,
                                  const std::vector<std::string>& sop_classes,
                                  const std::vector<std::string>& transfer_syntaxes,
                                  int timeout_seconds) {
  AssociationAttempt attempt;
  T_ASC_Network* net = nullptr;
  T_ASC_Parameters* params = nullptr;
  T_ASC_Association* assoc = nullptr;
  OFCondition cond = ASC_initializeNetwork(NET_REQUESTOR, 0, timeout_seconds, &net);
  if (cond.good()) cond = ASC_createAssociationParameters(&params, 16384);
  if (cond.good()) {
    ASC_setAPTitles(params, "TEST_MODALITY", called_aet.c_str(), nullptr);
    const std::string peer = "127.0.0.1:" + std::to_string(port);
    ASC_setPresentationAddresses(params, "localhost", peer.c_str());
    std::vector<const char*> ts;
    for (const auto& t : transfer_syntaxes) ts.push_back(t.c_str());
    unsigned char id = 1;
    for (const auto& sop_class : sop_classes) {
      ASC_addPresentationContext(params, id, sop_class.c_str(), ts.data(),
                                 static_cast<int>(ts.size()));
      id = static_cast<unsigned char>(id + 2);
    }
    cond = ASC_requestAssociation(net, params, &assoc);
    if (cond.good()) {
      attempt.accepted = true;
      ASC_releaseAssociation(assoc);
    } else if (cond == DUL_ASSOCIATIONREJECTED) {
      T_ASC_RejectParameters rej{};
      ASC_getRejectParameters(params, &rej);
      attempt.rejected = true;
      attempt.result = static_cast<int>(rej.result);
      attempt.source = static_cast<int>(rej.source);
      attempt.reason = static_cast<int>(rej.reason);
    } else {
      attempt.error = cond.text();
    }
  } else {
    attempt.error = cond.text();
  }
  if (assoc != nullptr) {
    ASC_destroyAssociation(&assoc);
  } else if (params != nullptr) {
    ASC_destroyAssociationParameters(&params);
  }
  if (net != nullptr) ASC_dropNetwork(&net);
  return attempt;
}

}  // namespace gateway::test

#include "tests/support/dicom_factory.h"

namespace gateway::test {

std::string sendPartialStore(std::uint16_t port, DcmDataset& dataset, std::size_t dataset_bytes,
                             Interruption how) {
  OFString sop_class;
  OFString sop_instance;
  dataset.findAndGetOFString(DCM_SOPClassUID, sop_class);
  dataset.findAndGetOFString(DCM_SOPInstanceUID, sop_instance);

  T_ASC_Network* net = nullptr;
  T_ASC_Parameters* params = nullptr;
  T_ASC_Association* assoc = nullptr;
  OFCondition cond = ASC_initializeNetwork(NET_REQUESTOR, 0, 10, &net);
  if (cond.good()) cond = ASC_createAssociationParameters(&params, 16384);
  if (cond.bad()) return cond.text();
  ASC_setAPTitles(params, "TEST_MODALITY", "SCREENING_PACS", nullptr);
  const std::string peer = "127.0.0.1:" + std::to_string(port);
  ASC_setPresentationAddresses(params, "localhost", peer.c_str());
  const char* ts[] = {UID_LittleEndianExplicitTransferSyntax};
  ASC_addPresentationContext(params, 1, sop_class.c_str(), ts, 1);
  cond = ASC_requestAssociation(net, params, &assoc);
  std::string error;
  if (cond.good()) {
    const T_ASC_PresentationContextID pres_id =
        ASC_findAcceptedPresentationContextID(assoc, sop_class.c_str());
    DcmDataset command;
    command.putAndInsertUint32(DCM_CommandGroupLength, 0);
    command.putAndInsertString(DCM_AffectedSOPClassUID, sop_class.c_str());
    command.putAndInsertUint16(DCM_CommandField, 0x0001);  // C-STORE-RQ
    command.putAndInsertUint16(DCM_MessageID, 1);
    command.putAndInsertUint16(DCM_Priority, 0);
    command.putAndInsertUint16(DCM_CommandDataSetType, 0x0000);  // a dataset follows
    command.putAndInsertString(DCM_AffectedSOPInstanceUID, sop_instance.c_str());
    std::string command_bytes = encodeLikeDimse(command, EXS_LittleEndianImplicit);
    const std::string data_bytes =
        encodeLikeDimse(dataset, EXS_LittleEndianExplicit).substr(0, dataset_bytes);

    std::vector<char> scratch(64 * 1024);
    auto send = [&](const std::string& bytes, DUL_DATAPDV type, bool last_of_message) {
      constexpr std::size_t kFragment = 8192;
      for (std::size_t offset = 0; offset < bytes.size() && error.empty(); offset += kFragment) {
        const std::size_t n = std::min(kFragment, bytes.size() - offset);
        DUL_PDV pdv{};
        pdv.fragmentLength = n;
        pdv.presentationContextID = pres_id;
        pdv.pdvType = type;
        pdv.lastPDV = last_of_message && offset + n == bytes.size();
        pdv.data = const_cast<char*>(bytes.data() + offset);
        DUL_PDVLIST list{};
        list.count = 1;
        list.pdv = &pdv;
        list.scratch = scratch.data();
        list.scratchLength = scratch.size();
        const OFCondition c = DUL_WritePDVs(&assoc->DULassociation, &list);
        if (c.bad()) error = c.text();
      }
    };
    send(command_bytes, DUL_COMMANDPDV, true);
    send(data_bytes, DUL_DATASETPDV, false);
    if (how == Interruption::kAbort) ASC_abortAssociation(assoc);
    ASC_dropAssociation(assoc);  // closes the connection without releasing
  } else {
    error = cond.text();
  }
  if (assoc != nullptr) {
    ASC_destroyAssociation(&assoc);
  } else if (params != nullptr) {
    ASC_destroyAssociationParameters(&params);
  }
  if (net != nullptr) ASC_dropNetwork(&net);
  return error;
}

}  // namespace gateway::test
