#include "services/mwl/worklist_response.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include <vector>

#include "services/mwl/worklist_attributes.h"

namespace gateway::mwl {
namespace {

// Keys returned for a step when the query asks for the whole Scheduled Procedure Step.
const std::vector<DcmTagKey>& fullStepKeys() {
  static const std::vector<DcmTagKey> kKeys = {DCM_ScheduledStationAETitle,
                                               DCM_ScheduledProcedureStepStartDate,
                                               DCM_ScheduledProcedureStepStartTime,
                                               DCM_Modality,
                                               DCM_ScheduledPerformingPhysicianName,
                                               DCM_ScheduledProcedureStepDescription,
                                               DCM_ScheduledStationName,
                                               DCM_ScheduledProcedureStepLocation,
                                               DCM_ScheduledProcedureStepID,
                                               DCM_ScheduledProcedureStepStatus,
                                               DCM_ScheduledProtocolCodeSequence};
  return kKeys;
}

void putValue(DcmItem& out, const DcmTagKey& tag, const std::string& value) {
  if (value.empty()) {
    out.insertEmptyElement(tag);
  } else {
    out.putAndInsertString(tag, value.c_str());
  }
}

// A code sequence (Requested Procedure Code, Scheduled Protocol Code): one item with the
// asked-for code keys when the item has a code, else zero items.
void fillCodeSequence(DcmItem& out, const DcmTagKey& tag, DcmSequenceOfItems* query_sequence,
                      Level level, const WorklistItem& item) {
  out.insertEmptyElement(tag);
  const WorklistAttribute* code_value = findAttribute(level, DCM_CodeValue);
  if ((item.*(code_value->member)).empty()) return;
  DcmItem* code = nullptr;
  if (out.findOrCreateSequenceItem(tag, code, -2).bad()) return;
  DcmItem* asked = query_sequence != nullptr && query_sequence->card() > 0
                       ? query_sequence->getItem(0)
                       : nullptr;
  for (const auto& a : worklistAttributes()) {
    if (a.level != level) continue;
    if (asked != nullptr && asked->card() > 0 && !asked->tagExists(a.tag)) continue;
    putValue(*code, a.tag, item.*(a.member));
  }
}

void fillKey(DcmItem& out, const DcmTagKey& tag, DcmElement* query_element, Level level,
             const WorklistItem& item) {
  auto* query_sequence = dynamic_cast<DcmSequenceOfItems*>(query_element);
  if (tag == DCM_RequestedProcedureCodeSequence) {
    fillCodeSequence(out, tag, query_sequence, Level::kProcedureCode, item);
    return;
  }
  if (tag == DCM_ScheduledProtocolCodeSequence) {
    fillCodeSequence(out, tag, query_sequence, Level::kProtocolCode, item);
    return;
  }
  if (const WorklistAttribute* a = findAttribute(level, tag)) {
    const std::string& value = item.*(a->member);
    putValue(out, tag, a->matching == Matching::kStatus ? stepStatusTerm(value) : value);
    return;
  }
  out.insertEmptyElement(tag);  // a key we do not hold: returned zero-length
}

void fillStep(DcmItem& out, DcmSequenceOfItems* query_sequence, const WorklistItem& item) {
  out.insertEmptyElement(DCM_ScheduledProcedureStepSequence);
  DcmItem* step = nullptr;
  if (out.findOrCreateSequenceItem(DCM_ScheduledProcedureStepSequence, step, -2).bad()) return;
  DcmItem* asked = query_sequence != nullptr && query_sequence->card() > 0
                       ? query_sequence->getItem(0)
                       : nullptr;
  if (asked == nullptr || asked->card() == 0) {
    for (const auto& tag : fullStepKeys()) fillKey(*step, tag, nullptr, Level::kStep, item);
    return;
  }
  for (unsigned long i = 0; i < asked->card(); ++i) {
    DcmElement* element = asked->getElement(i);
    if (element->getTag().isPrivate()) continue;
    fillKey(*step, element->getTag(), element, Level::kStep, item);
  }
}

bool isAscii(DcmItem& item) {
  for (unsigned long i = 0; i < item.card(); ++i) {
    DcmElement* element = item.getElement(i);
    if (auto* sequence = dynamic_cast<DcmSequenceOfItems*>(element)) {
      for (unsigned long k = 0; k < sequence->card(); ++k) {
        if (!isAscii(*sequence->getItem(k))) return false;
      }
      continue;
    }
    if (!element->isAffectedBySpecificCharacterSet()) continue;
    OFString value;
    element->getOFStringArray(value);
    for (const char c : value) {
      if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
  }
  return true;
}

std::string firstCharset(const std::string& declared) {
  // Multi-valued (code extension) declarations: the first value names the default repertoire.
  const auto backslash = declared.find('\\');
  std::string first = declared.substr(0, backslash);
  while (!first.empty() && first.back() == ' ') first.pop_back();
  return first;
}

}  // namespace

std::unique_ptr<DcmDataset> buildWorklistResponse(DcmItem& query, const WorklistItem& item) {
  auto response = std::make_unique<DcmDataset>();
  for (unsigned long i = 0; i < query.card(); ++i) {
    DcmElement* element = query.getElement(i);
    const DcmTagKey tag = element->getTag();
    if (tag.isPrivate() || tag.getGroup() < 0x0008 || tag == DCM_SpecificCharacterSet) continue;
    if (tag == DCM_ScheduledProcedureStepSequence) {
      fillStep(*response, dynamic_cast<DcmSequenceOfItems*>(element), item);
      continue;
    }
    fillKey(*response, tag, element, Level::kTop, item);
  }
  return response;
}

std::string chooseReplyCharset(bool all_ascii, const std::string& declared,
                               const std::string& configured,
                               const std::function<bool(const std::string&)>& fits) {
  if (all_ascii) return "";
  const std::string wanted = firstCharset(declared);
  if (!wanted.empty() && wanted != "ISO_IR 6" && fits(wanted)) return wanted;
  if (fits(configured)) return configured;
  return "ISO_IR 192";
}

void encodeReply(DcmDataset& response, const std::string& declared, const std::string& configured) {
  const bool ascii = isAscii(response);
  auto fits = [&response](const std::string& charset) {
    if (charset == "ISO_IR 192") return true;
    DcmDataset probe(response);
    return probe.convertCharacterSet("ISO_IR 192", charset.c_str()).good();
  };
  const std::string charset = chooseReplyCharset(ascii, declared, configured, fits);
  if (!charset.empty() && charset != "ISO_IR 192") {
    response.convertCharacterSet("ISO_IR 192", charset.c_str());
  }
  response.putAndInsertString(DCM_SpecificCharacterSet, charset.c_str());
}

}  // namespace gateway::mwl
