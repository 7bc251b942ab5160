#pragma once
// Cue phrases that mark decisions and action items, owners and due dates. No I/O.
#include <string>
#include <vector>

namespace minutes {

/// True when the words state a decision ("we decided", "agreed to", "let's go with"…).
bool IsDecision(const std::vector<std::string>& words);

/// True when the words assign or take on a task ("action item", "I will", "can you"…).
bool IsActionItem(const std::vector<std::string>& words, const std::vector<std::string>& names);

/// The due phrase as said ("by thursday", "next week", "tomorrow"), or "".
std::string DuePhrase(const std::vector<std::string>& words);

/// Who an action item is for: a name from `names` (lower-case) the words address or say will
/// act ("carol can you", "bob will"); "" when the speaker takes it on or nobody is named.
std::string NamedOwner(const std::vector<std::string>& words,
                       const std::vector<std::string>& names);

/// True when the speaker takes the task on ("I will", "action item for me", "let me").
bool IsFirstPerson(const std::vector<std::string>& words);

/// Common English first names, lower-case: recognizer output has no capitals to find names by.
const std::vector<std::string>& CommonFirstNames();

}  // namespace minutes
