const firebaseConfig = {
  apiKey: "AIzaPJevhDbRM7smlPx4Tu8s1T4kWDeE4fIN2l0",
  authDomain: "app-6.firebaseapp.com",
  projectId: "app-6",
};
