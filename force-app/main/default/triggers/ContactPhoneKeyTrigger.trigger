trigger ContactPhoneKeyTrigger on Contact(before insert, before update) {
    if (CallSyncSwitches.isOn(CallSyncSwitches.CONTACT_PHONE_KEY)) {
        PhoneKeyMaintainer.apply(Trigger.new, Trigger.oldMap);
    }
}
