trigger ContactPhoneKeyTrigger on Contact(before insert, before update) {
    PhoneKeyMaintainer.apply(Trigger.new, Trigger.oldMap);
}
