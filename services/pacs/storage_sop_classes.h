#pragma once

#include <string>
#include <vector>

namespace gateway::pacs {

// Every storage SOP class DCMTK knows (mammography, tomosynthesis, breast projection,
// secondary capture, dose SR, presentation states, ...), or the allow-list when one is set.
std::vector<std::string> storageSopClasses(const std::vector<std::string>& allow_list);

// Transfer syntaxes accepted for storage, most preferred first: uncompressed, deflated,
// then the encapsulated ones a modality may already hold its images in. Objects are stored
// in whichever was negotiated; nothing is transcoded.
std::vector<std::string> storageTransferSyntaxes();

// Identify this implementation in the file meta header of every stored object.
inline constexpr const char* kImplementationClassUid = "2.25.2639913816377409426264568243482212529";
inline constexpr const char* kImplementationVersionName = "SCREENGW_010";

}  // namespace gateway::pacs
