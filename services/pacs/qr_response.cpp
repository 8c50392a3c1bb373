#include "services/pacs/qr_response.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcelem.h>

#include "common/dicom_values/dataset_values.h"

namespace gateway::pacs {
namespace {

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : "\\") + v;
  return out;
}

std::string aggregateValue(const QrAttribute& a, const QrAnswer& answer) {
  const auto found = answer.related.find(a.level);
  if (found == answer.related.end()) return {};
  const RelatedCounts& counts = found->second;
  switch (a.aggregate) {
    case QrAggregate::kStudies:
      return std::to_string(counts.studies);
    case QrAggregate::kSeries:
      return std::to_string(counts.series);
    case QrAggregate::kInstances:
      return std::to_string(counts.instances);
    case QrAggregate::kModalities:
      return joined(counts.modalities);
    case QrAggregate::kSopClasses:
      return joined(counts.sop_classes);
    case QrAggregate::kNone:
      break;
  }
  return {};
}

}  // namespace

std::unique_ptr<DcmDataset> buildQrResponse(DcmItem& identifier, const QrQuery& query,
                                            const QrAnswer& answer,
                                            const std::string& retrieve_aet) {
  auto response = std::make_unique<DcmDataset>();
  for (unsigned long i = 0; i < identifier.card(); ++i) {
    DcmElement* element = identifier.getElement(i);
    const DcmTagKey tag = element->getTag();
    if (tag.isPrivate() || tag.getGroup() < 0x0008 || tag == DCM_SpecificCharacterSet ||
        tag == DCM_QueryRetrieveLevel || tag == DCM_RetrieveAETitle) {
      continue;
    }
    const QrAttribute* a = findQrAttribute(tag);
    if (a == nullptr || a->level > query.level) {
      response->insertEmptyElement(tag);  // not held here, or below the level: zero-length
      continue;
    }
    dicom_values::putOrEmpty(
        *response, tag,
        a->computed() ? aggregateValue(*a, answer) : answer.row.metadata.*(a->member));
  }
  const QrAttribute& unique = uniqueKeyOf(query.level);
  if (!response->tagExists(unique.tag)) {
    dicom_values::putOrEmpty(*response, unique.tag, answer.row.metadata.*(unique.member));
  }
  response->putAndInsertString(DCM_QueryRetrieveLevel, levelName(query.level));
  response->putAndInsertString(DCM_RetrieveAETitle, retrieve_aet.c_str());
  return response;
}

}  // namespace gateway::pacs
