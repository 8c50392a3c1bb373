#include "common/dicom/dataset_codec.h"

#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcostrmb.h>

#include <stdexcept>

namespace gateway::dicom {

std::string encodeDataset(DcmDataset& dataset, E_TransferSyntax xfer) {
  const Uint32 length = dataset.calcElementLength(xfer, EET_ExplicitLength);
  std::string bytes(length + 64, '\0');
  DcmOutputBufferStream stream(bytes.data(), static_cast<offile_off_t>(bytes.size()));
  dataset.transferInit();
  const OFCondition cond = dataset.write(stream, xfer, EET_ExplicitLength, nullptr);
  dataset.transferEnd();
  if (cond.bad()) throw std::runtime_error(std::string("cannot encode dataset: ") + cond.text());
  void* buffer = nullptr;
  offile_off_t written = 0;
  stream.flushBuffer(buffer, written);
  bytes.resize(static_cast<std::size_t>(written));
  return bytes;
}

std::unique_ptr<DcmDataset> decodeDataset(const void* bytes, std::size_t size,
                                          E_TransferSyntax xfer) {
  auto dataset = std::make_unique<DcmDataset>();
  if (size == 0) return dataset;
  DcmInputBufferStream stream;
  stream.setBuffer(bytes, static_cast<offile_off_t>(size));
  stream.setEos();
  dataset->transferInit();
  const OFCondition cond = dataset->read(stream, xfer, EGL_noChange);
  dataset->transferEnd();
  if (cond.bad()) throw std::runtime_error(std::string("cannot parse dataset: ") + cond.text());
  return dataset;
}

}  // namespace gateway::dicom
