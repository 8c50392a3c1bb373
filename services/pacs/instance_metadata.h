#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace gateway::pacs {

// Which set of attributes readInstanceMetadata extracts; stored with each row
// (stored_instances.metadata_version) so that start-up can re-read the files of rows indexed
// by an older extraction. 2: the Query/Retrieve attributes (schema 004); 3: the view codes
// of the operator's window (schema 007).
inline constexpr int kMetadataVersion = 3;

// What the index records about a stored object, read from the file itself. Text values
// are UTF-8 (converted from the object's Specific Character Set).
struct InstanceMetadata {
  std::string sop_class_uid;
  std::string sop_instance_uid;
  std::string transfer_syntax_uid;  // from the file meta header
  std::string patient_id;
  std::string patient_name;
  std::string accession_number;
  std::string study_instance_uid;
  std::string series_instance_uid;
  std::string modality;
  std::string study_date;
  std::string series_number;
  std::string instance_number;
  std::string image_laterality;
  std::string view_position;
  // Query/Retrieve keys (metadata version 2).
  std::string patient_birth_date;
  std::string patient_sex;
  std::string study_time;
  std::string study_id;
  std::string study_description;
  std::string referring_physician_name;
  std::string series_description;
  std::string series_date;
  std::string series_time;
  std::string body_part_examined;
  std::string content_date;
  std::string content_time;
  // The operator's window (metadata version 3).
  std::string view_code;       // View Code Sequence, first item: SCHEME:VALUE ("SCT:399162004")
  std::string view_modifiers;  // its View Modifier Code Sequence: code meanings, '|'-separated
  // What receive validation needs to know about the image module.
  bool has_pixel_data = false;
  bool has_rows = false;
  bool has_columns = false;
  bool has_bits_allocated = false;
};

struct MetadataResult {
  std::optional<InstanceMetadata> metadata;
  std::string error;  // why the file could not be read, when metadata is empty
};

// Parses the Part 10 file's structure without loading large values (Pixel Data is noted, not read),
// so reading a multi-gigabyte object costs only its header. Never loads large values into memory.
MetadataResult readInstanceMetadata(const std::filesystem::path& file);

}  // namespace gateway::pacs
