trigger LeadPhoneKeyTrigger on Lead(before insert, before update) {
    PhoneKeyMaintainer.apply(Trigger.new, Trigger.oldMap);
}
