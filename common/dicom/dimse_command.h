#pragma once

#include <dcmtk/dcmnet/assoc.h>

#include <cstdint>
#include <optional>
#include <string>

namespace gateway::dicom {

// A DIMSE command as received (PS3.7 9.3, 10.3), read by the edge itself so that its size and
// structure are checked before DCMTK parses it. Text fields are as sent, trimmed of padding,
// never cut: whether a UID is acceptable is decided by whoever answers the command.
struct DimseCommand {
  std::uint16_t command_field = 0;  // T_DIMSE_Command values
  T_ASC_PresentationContextID presentation_id = 0;
  std::uint16_t message_id = 0;
  std::uint16_t message_id_responded_to = 0;  // responses and C-CANCEL
  bool has_dataset = false;
  std::uint16_t priority = 0;
  std::string affected_sop_class_uid;
  std::string affected_sop_instance_uid;
  std::string requested_sop_class_uid;
  std::string requested_sop_instance_uid;
  std::string move_destination;
  std::string move_originator_aet;
  std::uint16_t move_originator_message_id = 0;
  std::optional<std::uint16_t> status;                                 // responses
  std::optional<std::uint16_t> event_type_id;                          // N-EVENT-REPORT
  std::optional<std::uint16_t> action_type_id;                         // N-ACTION
  std::optional<std::uint16_t> remaining, completed, failed, warning;  // C-MOVE/C-GET RSP
  std::string error_comment;                                           // responses

  bool isRequest() const { return (command_field & 0x8000) == 0; }
};

// "C-STORE-RQ", "N-CREATE-RQ", ... (or "command 0x0042" for an unknown one).
std::string commandName(std::uint16_t command_field);

}  // namespace gateway::dicom
