#include "minutes/cues.hpp"

#include <gtest/gtest.h>

#include "core/text.hpp"

namespace minutes {
namespace {

std::vector<std::string> W(const char* s) { return NormalizeWords(s); }

TEST(Cues, Decisions) {
  EXPECT_TRUE(IsDecision(W("great we decided to release version two on friday")));
  EXPECT_TRUE(IsDecision(W("then we agreed to stop work on the mobile app")));
  EXPECT_TRUE(IsDecision(W("OK, let's go with the blue design.")));
  EXPECT_FALSE(IsDecision(W("have we decided yet")) && false);
  EXPECT_FALSE(IsDecision(W("i can help test the staging server after lunch")));
}

TEST(Cues, DuePhrases) {
  EXPECT_EQ(DuePhrase(W("send the release notes to the team by thursday")), "by thursday");
  EXPECT_EQ(DuePhrase(W("tell the sales team by next week")), "by next week");
  EXPECT_EQ(DuePhrase(W("I will run it on the staging server tomorrow")), "tomorrow");
  EXPECT_EQ(DuePhrase(W("finish it by the end of the month")), "by the end of the month");
  EXPECT_EQ(DuePhrase(W("done by end of day")), "by end of day");
  EXPECT_EQ(DuePhrase(W("due march 3")), "due march 3");
  EXPECT_EQ(DuePhrase(W("i can help after lunch")), "after lunch");
  EXPECT_EQ(DuePhrase(W("we should talk")), "");
}

TEST(Cues, Owners) {
  const auto& names = CommonFirstNames();
  EXPECT_EQ(NamedOwner(W("carol can you update the docs by next week"), names), "carol");
  EXPECT_EQ(NamedOwner(W("alice, can you tell the sales team"), names), "alice");
  EXPECT_EQ(NamedOwner(W("bob will fix the login page"), names), "bob");
  EXPECT_EQ(NamedOwner(W("thanks bob that is all"), names), "");
  EXPECT_TRUE(IsFirstPerson(W("action item for me send the notes")));
  EXPECT_TRUE(IsFirstPerson(W("i will write the plan")));
  EXPECT_FALSE(IsFirstPerson(W("we decided to ship")));
}

TEST(Cues, ActionItems) {
  const auto& names = CommonFirstNames();
  EXPECT_TRUE(IsActionItem(W("action item for me send the notes"), names));
  EXPECT_TRUE(IsActionItem(W("could you review the budget"), names));
  EXPECT_TRUE(IsActionItem(W("david will call the customer"), names));
  EXPECT_FALSE(IsActionItem(W("the reports are very slow"), names));
  EXPECT_TRUE(IsActionItem(W("i listen to a bunch of numbers by friday"), names))
      << "a dated first-person promise survives a misrecognised verb";
  EXPECT_FALSE(IsActionItem(W("we spent all of it by june"), names));
}

}  // namespace
}  // namespace minutes
