#pragma once

#include <filesystem>

// fsync for everything the product makes durable (stored objects, their folders, worklist
// backups): a file's bytes before it gets its final name, a folder after an entry in it was
// created, renamed or removed. Every failure throws std::system_error naming the path.
namespace gateway::durable {

// fsync of an open descriptor; `path` only names it in the error.
void syncFd(int fd, const std::filesystem::path& path);

// Opens a regular file read-only and fsyncs it.
void syncFile(const std::filesystem::path& file);

// Opens a directory and fsyncs it, so a rename or creation inside it survives a crash.
void syncDirectory(const std::filesystem::path& directory);

}  // namespace gateway::durable
