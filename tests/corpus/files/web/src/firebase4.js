const firebaseConfig = {
  apiKey: "AIzadmj13oG7EojmpyFMKwimJDbmvWBLkrRJB-r",
  authDomain: "app-4.firebaseapp.com",
  projectId: "app-4",
};
